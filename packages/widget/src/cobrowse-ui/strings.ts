/**
 * The co-browse UI chunk's words, in English and Korean. They live here, not in the core's
 * table, so a page where no agent ever asks to co-browse never loads them.
 */
import type { Language } from '../core/i18n.js';

const en = {
  someAgent: 'An agent',
  askView: (agent: string) => `${agent} wants to see this page`,
  askViewBody: 'They will see this page and what you do on it, not your other tabs or apps. What you type into fields stays hidden. You can stop sharing at any time.',
  askControl: (agent: string) => `${agent} asks to control this page`,
  askControlBody: 'They can click, scroll and type into fields on this page. You can take back control at any time.',
  share: 'Share this page',
  allowControl: 'Allow control',
  notNow: 'Not now',
  sharing: 'Screen sharing',
  viewing: (agent: string) => `${agent} is viewing this page`,
  controlling: (agent: string) => `${agent} is controlling this page`,
  stopSharing: 'Stop sharing',
  stopControl: 'Stop control',
};

/** The chunk's strings of one language. */
export type CobrowseStrings = typeof en;

const ko: CobrowseStrings = {
  someAgent: '상담원',
  askView: (agent) => `${agent}님이 이 페이지를 보려고 합니다`,
  askViewBody: '이 페이지와 페이지에서 하는 동작을 볼 수 있으며, 다른 탭이나 앱은 볼 수 없습니다. 입력란에 입력한 내용은 가려집니다. 언제든지 공유를 중지할 수 있습니다.',
  askControl: (agent) => `${agent}님이 이 페이지 제어를 요청합니다`,
  askControlBody: '이 페이지에서 클릭, 스크롤, 입력란 입력을 할 수 있습니다. 언제든지 제어를 되찾을 수 있습니다.',
  share: '이 페이지 공유',
  allowControl: '제어 허용',
  notNow: '나중에',
  sharing: '화면 공유',
  viewing: (agent) => `${agent}님이 이 페이지를 보고 있습니다`,
  controlling: (agent) => `${agent}님이 이 페이지를 제어하고 있습니다`,
  stopSharing: '공유 중지',
  stopControl: '제어 중지',
};

/** The chunk's strings of `language`. */
export function cobrowseStrings(language: Language): CobrowseStrings {
  return language === 'ko' ? ko : en;
}
