/**
 * The call chunk's words, in English and Korean. They live here, not in the core's table, so a
 * page that never calls never loads them.
 */
import type { Language } from '../core/i18n.js';
import type { CallbackStatus } from '@parley/protocol';
import type { WhenKey } from './when.js';
import type { Quality } from './quality.js';

/** Why the visitor sees a line after a call that did not happen, or broke. */
export type Mishap = 'nobody' | 'missed' | 'mic' | 'failed' | 'lost';

const en = {
  ringing: (agent: string) => `${agent} is calling`,
  someAgent: 'An agent',
  accept: 'Accept',
  decline: 'Decline',
  calling: 'Calling…',
  cancel: 'Cancel call',
  call: 'Call',
  connecting: 'Connecting…',
  quality: { good: 'Good connection', weak: 'Weak connection', poor: 'Poor connection' } as Record<Quality, string>,
  mute: 'Mute',
  hangUp: 'Hang up',
  mishap: {
    nobody: 'Nobody could answer just now.',
    missed: 'You missed a call.',
    mic: 'We could not use your microphone.',
    failed: 'The call could not connect.',
    lost: 'The call was cut off.',
  } as Record<Mishap, string>,
  requestCallback: 'Request a callback',
  dismiss: 'Dismiss',
  phone: 'Phone number',
  when: 'When',
  whens: {
    asap: 'As soon as possible',
    soon: 'In the next 2 hours',
    afternoon: 'This afternoon',
    morning: 'Tomorrow morning',
    later: 'Tomorrow afternoon',
  } as Record<WhenKey, string>,
  note: 'Note (optional)',
  submit: 'Request callback',
  close: 'Cancel',
  /**
   * Why the relay refused a callback request, by its error code (`other`: any code not listed),
   * in the visitor's language rather than the relay's English message.
   */
  refused: {
    phone_invalid: 'That phone number is not valid. Include the country code, e.g. +44 20 7123 4567.',
    rate_limited: 'That is as many callback requests as we can take for now. An agent will see the ones you made.',
    unavailable: 'We cannot take your request just now. Please try again in a few seconds.',
    other: 'Your request could not be sent. Please try again.',
  },
  offline: 'You are offline. Try again when you are back.',
  status: {
    requested: 'Callback requested',
    claimed: 'An agent will call you back',
    done: 'Callback done',
    unreachable: 'We could not reach you',
  } as Record<CallbackStatus, string>,
};

/** The chunk's strings of one language. */
export type CallStrings = typeof en;

const ko: CallStrings = {
  ringing: (agent) => `${agent}님이 전화를 걸고 있습니다`,
  someAgent: '상담원',
  accept: '받기',
  decline: '거절',
  calling: '전화 거는 중…',
  cancel: '통화 취소',
  call: '통화',
  connecting: '연결 중…',
  quality: { good: '연결 상태 좋음', weak: '연결 상태 약함', poor: '연결 상태 나쁨' },
  mute: '음소거',
  hangUp: '통화 종료',
  mishap: {
    nobody: '지금은 전화를 받을 수 있는 상담원이 없습니다.',
    missed: '부재중 전화가 있습니다.',
    mic: '마이크를 사용할 수 없습니다.',
    failed: '통화를 연결하지 못했습니다.',
    lost: '통화 연결이 끊어졌습니다.',
  },
  requestCallback: '콜백 요청',
  dismiss: '닫기',
  phone: '전화번호',
  when: '희망 시간',
  whens: {
    asap: '가능한 한 빨리',
    soon: '2시간 이내',
    afternoon: '오늘 오후',
    morning: '내일 오전',
    later: '내일 오후',
  },
  note: '메모 (선택)',
  submit: '콜백 요청하기',
  close: '취소',
  refused: {
    phone_invalid: '올바른 전화번호가 아닙니다. 국가 번호를 포함해 주세요(예: +82 2 1234 5678).',
    rate_limited: '지금은 콜백을 더 요청할 수 없습니다. 이미 요청하신 내용은 상담원이 확인합니다.',
    unavailable: '지금은 요청을 받을 수 없습니다. 잠시 후 다시 시도해 주세요.',
    other: '요청을 보내지 못했습니다. 다시 시도해 주세요.',
  },
  offline: '오프라인 상태입니다. 다시 연결되면 시도해 주세요.',
  status: {
    requested: '콜백이 요청되었습니다',
    claimed: '상담원이 곧 전화드립니다',
    done: '콜백 완료',
    unreachable: '연락이 닿지 않았습니다',
  },
};

/** The chunk's strings of `language`. */
export function callStrings(language: Language): CallStrings {
  return language === 'ko' ? ko : en;
}
