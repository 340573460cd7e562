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
  notSent: 'Not sent',
  agentTyping: 'Agent is typing…',
  you: 'You',
  agent: 'Agent',
  reconnecting: 'Reconnecting…',
  offline: 'You are offline. Messages will be sent when you are back.',
  unavailable: 'Chat is not available on this page.',
  charactersLeft: (n: number) => `${n} characters left`,
  tooLong: (n: number) => `${n} characters too many`,
  empty: 'Ask us anything. We are happy to help.',
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
  notSent: '전송되지 않음',
  agentTyping: '상담원이 입력 중입니다…',
  you: '나',
  agent: '상담원',
  reconnecting: '다시 연결하는 중…',
  offline: '오프라인 상태입니다. 다시 연결되면 메시지를 보냅니다.',
  unavailable: '이 페이지에서는 채팅을 사용할 수 없습니다.',
  charactersLeft: (n) => `${n}자 남음`,
  tooLong: (n) => `${n}자 초과`,
  empty: '무엇이든 물어보세요. 기꺼이 도와드리겠습니다.',
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
