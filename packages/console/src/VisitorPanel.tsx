/**
 * The right column, a region named "Visitor": who the visitor is (name, email, verified or not),
 * whether they are online, the conversation's callback requests, where they are (current page),
 * where they have been, their browser, language, tracked events, host-page attributes and past
 * conversations.
 */
import type { AttributeValue, ConversationSummary } from '@parley/protocol';
import type { ComponentChildren } from 'preact';
import type { ConsoleActions } from './actions.js';
import { CallbackItem } from './CallbackItem.js';
import { callbacksOf } from './store/call-selectors.js';
import { fullTime, relativeTime, visitorDisplayName } from './format.js';
import type { ConsoleState, VisitorContext } from './store/state.js';

/** Props of `VisitorPanel`. */
export interface VisitorPanelProps {
  state: ConsoleState;
  actions: Pick<ConsoleActions, 'openConversation' | 'updateCallback'>;
  now: number;
  /** Shown as a drawer on narrow screens. */
  open: boolean;
}

/** Only web pages become links: a visitor's browser reports the URL, so it is not trusted. */
export function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

function PageLink({ url, title }: { url: string; title: string }) {
  const href = safeHref(url);
  const label = title.trim() || url;
  if (!href) return <span class="pc-page-title">{label}</span>;
  return (
    <a class="pc-page-title" href={href} target="_blank" rel="noopener noreferrer">
      {label}
    </a>
  );
}

function showValue(value: AttributeValue): string {
  if (value === null) return '—';
  return typeof value === 'string' ? value : String(value);
}

function Props({ values }: { values: Record<string, AttributeValue> }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return null;
  return (
    <dl class="pc-props">
      {entries.map(([key, value]) => (
        <div key={key} class="pc-prop">
          <dt>{key}</dt>
          <dd>{showValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="pc-vsection" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function pastLabel(c: ConversationSummary): string {
  return c.lastMessage?.text ?? 'No messages';
}

function CallbackSection(props: { state: ConsoleState; conversationId: string; name: string; actions: VisitorPanelProps['actions']; now: number }) {
  const list = callbacksOf(props.state, props.conversationId);
  if (list.length === 0) return null;
  return (
    <Section title="Callbacks">
      <ul class="pc-tasks" role="list" aria-label="Callback requests">
        {list.map((cb) => (
          <CallbackItem
            key={cb.id}
            callback={cb}
            visitorName={props.name}
            meId={props.state.me?.id ?? null}
            now={props.now}
            actions={props.actions}
            showConversationLink={false}
          />
        ))}
      </ul>
    </Section>
  );
}

function VisitorDetails({ ctx, state, actions, now }: { ctx: VisitorContext; state: ConsoleState; actions: VisitorPanelProps['actions']; now: number }) {
  const v = ctx.profile;
  const identified = v.userId !== null || v.email !== null || v.name !== null;
  const past = ctx.past.filter((c) => c.id !== state.selectedId);
  const browser = [v.browser, v.os].filter(Boolean).join(' on ');
  return (
    <>
      <div class="pc-vhead">
        <span class="pc-avatar" aria-hidden="true">
          {visitorDisplayName(v.name, v.id).slice(0, 1).toUpperCase()}
        </span>
        <div class="pc-vhead-text">
          <p class="pc-vname">{visitorDisplayName(v.name, v.id)}</p>
          {v.email && <p class="pc-vemail">{v.email}</p>}
          <p class="pc-badges">
            {identified && (
              <span class={`pc-badge ${v.verified ? 'pc-badge--ok' : 'pc-badge--warn'}`} title={v.verified ? 'Identity proven by the site (user hash)' : 'Identity given by the page without proof'}>
                {v.verified ? 'Verified' : 'Not verified'}
              </span>
            )}
            <span class={`pc-presence ${v.online ? 'pc-presence--on' : ''}`}>{v.online ? 'Online' : 'Offline'}</span>
          </p>
        </div>
      </div>
      {state.selectedId && <CallbackSection state={state} conversationId={state.selectedId} name={visitorDisplayName(v.name, v.id)} actions={actions} now={now} />}
      <Section title="Current page">
        {v.currentPage ? (
          <p class="pc-page">
            <PageLink url={v.currentPage.url} title={v.currentPage.title} />
            <span class="pc-url">{v.currentPage.url}</span>
          </p>
        ) : (
          <p class="pc-muted">Unknown</p>
        )}
      </Section>
      <Section title="Details">
        <dl class="pc-props">
          {v.userId && (
            <div class="pc-prop">
              <dt>User ID</dt>
              <dd>{v.userId}</dd>
            </div>
          )}
          <div class="pc-prop">
            <dt>Browser and OS</dt>
            <dd>{browser || 'Unknown'}</dd>
          </div>
          <div class="pc-prop">
            <dt>Language</dt>
            <dd>{v.language || 'Unknown'}</dd>
          </div>
          <div class="pc-prop">
            <dt>First seen</dt>
            <dd title={fullTime(v.firstSeenAt)}>{relativeTime(v.firstSeenAt, now)}</dd>
          </div>
          <div class="pc-prop">
            <dt>Last seen</dt>
            <dd title={fullTime(v.lastSeenAt)}>{v.online ? 'Now' : relativeTime(v.lastSeenAt, now)}</dd>
          </div>
        </dl>
      </Section>
      <Section title="Pages visited">
        {ctx.pages.length ? (
          <ol class="pc-trail">
            {ctx.pages.map((p, i) => (
              <li key={`${p.at}-${i}`}>
                <PageLink url={p.url} title={p.title} />
                <time dateTime={new Date(p.at).toISOString()} title={fullTime(p.at)}>
                  {relativeTime(p.at, now)}
                </time>
              </li>
            ))}
          </ol>
        ) : (
          <p class="pc-muted">None yet</p>
        )}
      </Section>
      <Section title="Events">
        {ctx.events.length ? (
          <ol class="pc-trail">
            {ctx.events.map((e, i) => (
              <li key={`${e.at}-${i}`}>
                <span class="pc-event-name">{e.name}</span>
                <time dateTime={new Date(e.at).toISOString()} title={fullTime(e.at)}>
                  {relativeTime(e.at, now)}
                </time>
                <Props values={e.props} />
              </li>
            ))}
          </ol>
        ) : (
          <p class="pc-muted">None tracked</p>
        )}
      </Section>
      <Section title="Attributes">
        {Object.keys(v.attributes).length ? <Props values={v.attributes} /> : <p class="pc-muted">None set</p>}
      </Section>
      <Section title="Past conversations">
        {past.length ? (
          <ul class="pc-past">
            {past.map((c) => (
              <li key={c.id}>
                <button type="button" class="pc-past-row" onClick={() => actions.openConversation(c.id)}>
                  <span class="pc-past-text">{pastLabel(c)}</span>
                  <span class="pc-past-meta">
                    {c.status === 'resolved' ? 'Resolved' : 'Open'} · {relativeTime(c.updatedAt, now)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p class="pc-muted">None</p>
        )}
      </Section>
    </>
  );
}

/** The visitor context column. */
export function VisitorPanel({ state, actions, now, open }: VisitorPanelProps) {
  const c = state.selectedId ? state.conversations[state.selectedId] : undefined;
  const ctx = c ? state.visitors[c.visitorId] : undefined;
  return (
    <section id="pc-visitor" class={`pc-visitor${open ? ' pc-visitor--open' : ''}`} aria-label="Visitor">
      <h2 class="pc-visitor-title">Visitor</h2>
      {!c && <p class="pc-muted">Open a conversation to see who you are talking to.</p>}
      {c && !ctx && <p class="pc-muted">Loading…</p>}
      {ctx && <VisitorDetails ctx={ctx} state={state} actions={actions} now={now} />}
    </section>
  );
}
