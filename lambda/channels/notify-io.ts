/** What every NotifyVia* task takes and returns, as the ASL file's `Parameters` and `ResultPath` shape them. */
import type { Channel, MeetingSummary, RecipientSummary } from '../shared/domain';
import type { Delivery } from '../shared/meetings-repository';

/** Every NotifyVia* state's input. */
export interface NotifyInput {
  readonly meeting: MeetingSummary;
  readonly user: RecipientSummary;
  readonly reminder: boolean;
  readonly execution: string;
  /** The task token (`$$.Task.Token`) of a task that waits for the provider's receipt (SMS, email). */
  readonly token?: string;
}

/** What a NotifyVia* state returns on delivery (stored at `$.delivery`). */
export type NotifyResult = Delivery & { readonly channel: Channel };
