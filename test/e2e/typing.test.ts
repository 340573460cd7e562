import { describe, it } from 'vitest';
import { CONSOLE_TIMEOUT_MS, consoleMessage, replyBox, replyFromConsole, visitorTyping } from './harness/console-app.js';
import { startConversation } from './harness/conversation.js';
import { useE2E } from './harness/e2e-env.js';
import { unique } from './harness/unique.js';
import { agentTyping, messageBox, sendFromWidget, widgetMessage, WIDGET_TIMEOUT_MS } from './harness/widget.js';

const e2e = useE2E();

describe('typing indicators', () => {
  it('shows the visitor typing in the console and the agent typing in the widget', async () => {
    const { visitor, agent } = await startConversation(e2e());

    await messageBox(visitor.page).pressSequentially('I have one more quest', { delay: 20 });
    await visitorTyping(agent.page).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
    const question = unique('I have one more question');
    await sendFromWidget(visitor.page, question);
    await consoleMessage(agent.page, question).waitFor({ state: 'visible', timeout: CONSOLE_TIMEOUT_MS });
    await visitorTyping(agent.page).waitFor({ state: 'hidden', timeout: CONSOLE_TIMEOUT_MS });

    await replyBox(agent.page).pressSequentially('Sure, go ah', { delay: 20 });
    await agentTyping(visitor.page).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    const answer = unique('Sure, go ahead.');
    await replyFromConsole(agent.page, answer);
    await widgetMessage(visitor.page, answer).waitFor({ state: 'visible', timeout: WIDGET_TIMEOUT_MS });
    await agentTyping(visitor.page).waitFor({ state: 'hidden', timeout: WIDGET_TIMEOUT_MS });
  });
});
