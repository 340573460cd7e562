/**
 * The one contract every Storage implementation must pass, one part per aggregate. Each driver's
 * test file calls `describeStorageContract` with a factory for a fresh, empty store; each test
 * migrates one, exercises it and closes it.
 */
import type { Storage } from './storage.js';
import { describeAdminContract } from './admin.contract.js';
import { describeAgentContract } from './agents.contract.js';
import { describeCallbackContract } from './callbacks.contract.js';
import { describeChangeContract } from './changes.contract.js';
import { describeConversationContract } from './conversations.contract.js';
import { describeConversationWriteContract } from './conversation-writes.contract.js';
import { describeSiteContract } from './sites.contract.js';
import { describeVisitorContract } from './visitors.contract.js';

/** Runs every part of the Storage contract against stores made by `makeStorage` (a fresh, empty store each time). */
export function describeStorageContract(name: string, makeStorage: () => Promise<Storage>): void {
  describeSiteContract(name, makeStorage);
  describeAgentContract(name, makeStorage);
  describeVisitorContract(name, makeStorage);
  describeConversationContract(name, makeStorage);
  describeConversationWriteContract(name, makeStorage);
  describeChangeContract(name, makeStorage);
  describeCallbackContract(name, makeStorage);
  describeAdminContract(name, makeStorage);
}
