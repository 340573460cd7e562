/**
 * Every string the visitor sees, in English and Korean. The language comes from
 * `boot({ language })` when given, else from the browser.
 */

/** The languages the widget speaks. */
export type Language = 'en' | 'ko';

const en = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
  unread: (n: number) => `${n} unread`,
  chat: 'Chat',
  title: 'Chat with us',
  replyTime: 'We typically reply in a few minutes',
  away: 'We are away. Leave a message and we will reply soon.',
  messages: 'Messages',
  message: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  sending: 'Sending…',
  sent: 'Sent',
  failed: 'Not sent, retrying…',
  agentTyping: 'Agent is typing…',
  you: 'You',
  agent: 'Agent',
  reconnecting: 'Reconnecting…',
  offline: 'You are offline. Messages will be sent when you are back.',
  unavailable: 'Chat is unavailable right now.',
  charactersLeft: (n: number) => `${n} characters left`,
  tooLong: (n: number) => `${n} characters too many`,
  empty: 'Ask us anything. We are happy to help.',
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
  startCall: 'Start a call',
  messageFirst: 'Send a message first',
};

/** The strings of one language. */
export type Strings = typeof en;

const ko: Strings = {
  openChat: '채팅 열기',
  closeChat: '채팅 닫기',
  unread: (n) => `읽지 않은 메시지 ${n}개`,
  chat: '채팅',
  title: '채팅 상담',
  replyTime: '보통 몇 분 안에 답변드립니다',
  away: '지금은 자리에 없습니다. 메시지를 남겨 주시면 곧 답변드리겠습니다.',
  messages: '메시지',
  message: '메시지',
  placeholder: '메시지를 입력하세요…',
  send: '보내기',
  sending: '보내는 중…',
  sent: '보냄',
  failed: '전송 실패, 다시 시도하는 중…',
  agentTyping: '상담원이 입력 중입니다…',
  you: '나',
  agent: '상담원',
  reconnecting: '다시 연결하는 중…',
  offline: '오프라인 상태입니다. 다시 연결되면 메시지를 보냅니다.',
  unavailable: '지금은 채팅을 사용할 수 없습니다.',
  charactersLeft: (n) => `${n}자 남음`,
  tooLong: (n) => `${n}자 초과`,
  empty: '무엇이든 물어보세요. 기꺼이 도와드리겠습니다.',
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
  startCall: '전화 걸기',
  messageFirst: '먼저 메시지를 보내 주세요',
};

const TABLE: Record<Language, Strings> = { en, ko };

/**
 * Picks the widget language: the requested one when the widget speaks it, else the first of the
 * browser's languages it speaks, else English. Region and script subtags are ignored (`ko-KR`).
 */
export function pickLanguage(requested?: string | null, browser: readonly string[] = browserLanguages()): Language {
  for (const tag of [requested, ...browser]) {
    const base = tag?.toLowerCase().split(/[-_]/)[0];
    if (base === 'en' || base === 'ko') return base;
  }
  return 'en';
}

/** The strings of `language`. */
export function strings(language: Language): Strings {
  return TABLE[language];
}

function browserLanguages(): readonly string[] {
  const nav = globalThis.navigator;
  if (!nav) return [];
  return nav.languages?.length ? nav.languages : [nav.language];
}
