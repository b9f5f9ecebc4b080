/**
 * The inputs and outputs of the prep workflow's tasks, as the ASL file's `Parameters` and `ResultPath` shape
 * them. Kept in one module so the handlers and the state machine agree.
 */
import { MeetingSummary, RecipientSummary } from '../shared/domain';
import { Claim, Delivery } from '../shared/meetings-repository';
import { SkipReason } from './skip-rules';
import type { RouteNextInput, RoutingPreferences, WorkflowRoute } from './routing';

export type { NotifyInput, NotifyResult } from '../channels/notify-io';

/** LoadMeeting's input: the execution's input (the EventBridge envelope) and the execution's name, which claims. */
export interface LoadInput {
  readonly event: unknown;
  readonly execution: string;
}

/** LoadMeeting's result, stored at `$.prep`. */
export interface LoadedPrep {
  readonly meeting_id: string;
  readonly user_id: string;
  readonly reminder: boolean;
  readonly meeting: MeetingSummary;
  readonly user: RecipientSummary;
  /** Present when nothing is to be sent; `PickChannel` routes on it first. */
  readonly skip_reason?: SkipReason;
  /** This execution's claim on the meeting (absent when skipped). */
  readonly claim?: Claim;
  /** The user's channel order and quiet hours (absent when skipped). */
  readonly preferences?: RoutingPreferences;
  /** The first channel and its hold (absent when skipped); later routes replace it. PickChannel reads it. */
  readonly route?: WorkflowRoute;
}

/** A prep that is being notified: preferences and route present. */
export type RoutedPrep = LoadedPrep & { readonly preferences: RoutingPreferences; readonly route: WorkflowRoute };

/** CheckStillDue's input, after a quiet-hours wait. */
export interface CheckStillDueInput {
  readonly prep: RoutedPrep;
  readonly claim: Claim;
  readonly execution: string;
}

/** RecordDelivery / RecordUnconfirmed / RecordAllChannelsFailed input. */
export type RecordInput =
  | {
      readonly outcome: 'delivered';
      readonly meeting_id: string;
      readonly delivery: Delivery;
      readonly execution: string;
      /** The route the execution ended on (its unverified channels). */
      readonly route?: WorkflowRoute;
    }
  | {
      readonly outcome: 'unconfirmed';
      readonly meeting_id: string;
      readonly execution: string;
      readonly error?: { readonly Error?: string; readonly Cause?: string };
    }
  | {
      /** A channel whose outcome could not be verified (`prep.route.next`): recorded, then the next route. */
      readonly outcome: 'unverified';
      readonly meeting_id: string;
      readonly execution: string;
      readonly prep: RouteNextInput['prep'];
      readonly error?: { readonly Error?: string; readonly Cause?: string };
    }
  | { readonly outcome: 'all_failed'; readonly meeting_id: string; readonly claim: Claim; readonly execution: string };
