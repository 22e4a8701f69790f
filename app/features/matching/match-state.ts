/*
 * The match (对接) life cycle as a pure state machine.
 *   proposed --accept (once BOTH sides have accepted)--> accepted --start_negotiation--> negotiating
 *   --sign_contract--> contract_signed --register--> registered --start_execution--> in_execution --close--> closed
 *   proposed | accepted | negotiating --decline (reason code required)--> declined
 *   proposed | accepted | negotiating --withdraw--> withdrawn
 * Once a contract is signed the deal can no longer be declined or withdrawn: it only moves forward to closed
 * (a signed contract is a legal fact; ending it early is recorded as an event of the open match, not a state).
 * closed, declined and withdrawn are terminal.
 *
 * A match has two sides: 'need' (the demand / scenario) and 'offer' (the achievement). Actors: 'party' = an active
 * member of one side's organisation, 'manager' = the technology manager assigned to the match, 'staff' = bureau
 * staff, 'system' = workers (they log events; no transition here is theirs). Each side accepts for itself: the
 * caller keeps the two acceptance flags (a proposal made by one side may start with that side's flag set).
 * The decline reason is validated by declineSchema (interest-rules.ts); `decide` checks state, actor and acceptance.
 */
import { MATCH_ACTORS, MATCH_STATES, type MatchActor, type MatchState } from '../../../db/schema.ts';
import { matchingZh } from '../../i18n/zh-CN/matching.ts';

export { MATCH_ACTORS, MATCH_STATES, type MatchActor, type MatchState };

export const MATCH_ACTIONS = [
  'accept',
  'start_negotiation',
  'sign_contract',
  'register',
  'start_execution',
  'close',
  'decline',
  'withdraw',
] as const;
export type MatchAction = (typeof MATCH_ACTIONS)[number];

export const MATCH_SIDES = ['need', 'offer'] as const;
export type MatchSide = (typeof MATCH_SIDES)[number];

export const TERMINAL_MATCH_STATES = [
  'closed',
  'declined',
  'withdrawn',
] as const satisfies readonly MatchState[];

export interface AcceptFlags {
  needAccepted: boolean;
  offerAccepted: boolean;
}

const TRANSITIONS: Record<MatchState, Partial<Record<MatchAction, MatchState>>> = {
  proposed: { accept: 'accepted', decline: 'declined', withdraw: 'withdrawn' },
  accepted: { start_negotiation: 'negotiating', decline: 'declined', withdraw: 'withdrawn' },
  negotiating: { sign_contract: 'contract_signed', decline: 'declined', withdraw: 'withdrawn' },
  contract_signed: { register: 'registered' },
  registered: { start_execution: 'in_execution' },
  in_execution: { close: 'closed' },
  closed: {},
  declined: {},
  withdrawn: {},
};

const ACTORS: Record<MatchAction, readonly MatchActor[]> = {
  accept: ['party'],
  decline: ['party'],
  start_negotiation: ['party', 'manager'],
  sign_contract: ['party', 'manager'],
  start_execution: ['party', 'manager'],
  register: ['party', 'manager', 'staff'],
  close: ['party', 'manager', 'staff'],
  withdraw: ['party', 'manager', 'staff'],
};

/**
 * The state an action leads to, or null when the action is not possible from `state`. For 'accept' from
 * 'proposed' this is 'accepted', the state reached once both sides have accepted (see `decide`).
 */
export function nextMatchState(state: MatchState, action: MatchAction): MatchState | null {
  return TRANSITIONS[state][action] ?? null;
}

/** Whether this kind of actor may ever take the action (independent of the state). */
export function mayAct(action: MatchAction, actor: MatchActor): boolean {
  return ACTORS[action].includes(actor);
}

/** Not terminal: the match can still move. */
export function isOpen(state: MatchState): boolean {
  return !(TERMINAL_MATCH_STATES as readonly MatchState[]).includes(state);
}

/**
 * Actions the actor can take now (buttons), in MATCH_ACTIONS order. Pass the acting party's side and the
 * flags to hide 'accept' from a side that has already accepted.
 */
export function availableActions(
  state: MatchState,
  actor: MatchActor,
  acceptance?: { side: MatchSide; flags: AcceptFlags },
): MatchAction[] {
  return MATCH_ACTIONS.filter((action) => {
    if (nextMatchState(state, action) === null || !mayAct(action, actor)) return false;
    return !(action === 'accept' && acceptance && hasAccepted(acceptance.flags, acceptance.side));
  });
}

function hasAccepted(flags: AcceptFlags, side: MatchSide): boolean {
  return side === 'need' ? flags.needAccepted : flags.offerAccepted;
}

/** One side accepts a proposed match; `becomesAccepted` is true when this acceptance completes the pair. */
export function applyAccept(
  flags: AcceptFlags,
  side: MatchSide,
): { flags: AcceptFlags; becomesAccepted: boolean } {
  const next: AcceptFlags =
    side === 'need' ? { ...flags, needAccepted: true } : { ...flags, offerAccepted: true };
  const before = flags.needAccepted && flags.offerAccepted;
  return { flags: next, becomesAccepted: !before && next.needAccepted && next.offerAccepted };
}

export type DecideErrorCode = 'not_allowed_from_state' | 'actor_not_allowed' | 'already_accepted';

export interface DecideInput {
  state: MatchState;
  action: MatchAction;
  actor: MatchActor;
  /** The acting party's side; required for 'accept'. */
  side?: MatchSide;
  /** The acceptance flags of a proposed match; required for 'accept' (missing = nobody has accepted yet). */
  flags?: AcceptFlags;
}

export type Decision =
  | { ok: true; to: MatchState; flags?: AcceptFlags }
  | { ok: false; code: DecideErrorCode; message: string };

/**
 * Decides one action: checks the state, then the actor, then (for 'accept') the side's flag. An accepted
 * 'accept' returns the new flags and `to` = 'accepted' when both sides now agree, otherwise 'proposed'.
 * Throws a TypeError when 'accept' comes without a side (a programming error, not a user's).
 */
export function decide(input: DecideInput): Decision {
  const { state, action, actor } = input;
  const to = nextMatchState(state, action);
  if (to === null) return refuse('not_allowed_from_state', input);
  if (!mayAct(action, actor)) return refuse('actor_not_allowed', input);
  if (action !== 'accept') return { ok: true, to };
  if (!input.side) throw new TypeError('decide: accept needs the side of the accepting party');
  const flags = input.flags ?? { needAccepted: false, offerAccepted: false };
  if (hasAccepted(flags, input.side)) return refuse('already_accepted', input);
  const result = applyAccept(flags, input.side);
  return { ok: true, to: result.becomesAccepted ? to : state, flags: result.flags };
}

/** The Chinese message of a refusal, built from matchingZh. */
export function decideErrorMessage(code: DecideErrorCode, input: DecideInput): string {
  const m = matchingZh.decideError;
  const action = matchingZh.action[input.action];
  switch (code) {
    case 'not_allowed_from_state':
      return m.not_allowed_from_state(matchingZh.state[input.state], action);
    case 'actor_not_allowed':
      return m.actor_not_allowed(matchingZh.actor[input.actor], action);
    case 'already_accepted':
      return m.already_accepted(matchingZh.side[input.side ?? 'need']);
  }
}

function refuse(code: DecideErrorCode, input: DecideInput): Decision {
  return { ok: false, code, message: decideErrorMessage(code, input) };
}
