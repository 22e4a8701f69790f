import { describe, expect, it } from 'vitest';
import {
  type AcceptFlags,
  applyAccept,
  availableActions,
  decide,
  isOpen,
  MATCH_ACTIONS,
  MATCH_ACTORS,
  MATCH_STATES,
  type MatchAction,
  type MatchActor,
  type MatchState,
  mayAct,
  nextMatchState,
  TERMINAL_MATCH_STATES,
} from '../../app/features/matching/match-state.ts';
import { matchingZh } from '../../app/i18n/zh-CN/matching.ts';

/** The expected machine, written out by hand: state → action → next state ('' = refused). */
const EXPECTED: Record<MatchState, Record<MatchAction, MatchState | ''>> = {
  proposed: {
    accept: 'accepted',
    start_negotiation: '',
    sign_contract: '',
    register: '',
    start_execution: '',
    close: '',
    decline: 'declined',
    withdraw: 'withdrawn',
  },
  accepted: {
    accept: '',
    start_negotiation: 'negotiating',
    sign_contract: '',
    register: '',
    start_execution: '',
    close: '',
    decline: 'declined',
    withdraw: 'withdrawn',
  },
  negotiating: {
    accept: '',
    start_negotiation: '',
    sign_contract: 'contract_signed',
    register: '',
    start_execution: '',
    close: '',
    decline: 'declined',
    withdraw: 'withdrawn',
  },
  contract_signed: {
    accept: '',
    start_negotiation: '',
    sign_contract: '',
    register: 'registered',
    start_execution: '',
    close: '',
    decline: '',
    withdraw: '',
  },
  registered: {
    accept: '',
    start_negotiation: '',
    sign_contract: '',
    register: '',
    start_execution: 'in_execution',
    close: '',
    decline: '',
    withdraw: '',
  },
  in_execution: {
    accept: '',
    start_negotiation: '',
    sign_contract: '',
    register: '',
    start_execution: '',
    close: 'closed',
    decline: '',
    withdraw: '',
  },
  closed: {
    accept: '',
    start_negotiation: '',
    sign_contract: '',
    register: '',
    start_execution: '',
    close: '',
    decline: '',
    withdraw: '',
  },
  declined: {
    accept: '',
    start_negotiation: '',
    sign_contract: '',
    register: '',
    start_execution: '',
    close: '',
    decline: '',
    withdraw: '',
  },
  withdrawn: {
    accept: '',
    start_negotiation: '',
    sign_contract: '',
    register: '',
    start_execution: '',
    close: '',
    decline: '',
    withdraw: '',
  },
};

/** Who may take each action, by hand. */
const EXPECTED_ACTORS: Record<MatchAction, MatchActor[]> = {
  accept: ['party'],
  decline: ['party'],
  start_negotiation: ['party', 'manager'],
  sign_contract: ['party', 'manager'],
  register: ['party', 'manager', 'staff'],
  start_execution: ['party', 'manager'],
  close: ['party', 'manager', 'staff'],
  withdraw: ['party', 'manager', 'staff'],
};

const BOTH: AcceptFlags = { needAccepted: true, offerAccepted: true };
const NONE: AcceptFlags = { needAccepted: false, offerAccepted: false };

const pairs = MATCH_STATES.flatMap((state) => MATCH_ACTIONS.map((action) => [state, action] as const));
const allowed = pairs.filter(([s, a]) => EXPECTED[s][a] !== '');
const forbidden = pairs.filter(([s, a]) => EXPECTED[s][a] === '');

describe('match state machine: the full table', () => {
  it('covers every state and action (9 × 8 pairs, 12 allowed)', () => {
    expect(pairs).toHaveLength(72);
    expect(allowed).toHaveLength(12);
    expect(forbidden).toHaveLength(60);
  });

  it.each(allowed)('%s --%s--> allowed', (state, action) => {
    expect(nextMatchState(state, action)).toBe(EXPECTED[state][action]);
    const actor = EXPECTED_ACTORS[action][0] as MatchActor;
    const d = decide({
      state,
      action,
      actor,
      side: 'need',
      flags: { needAccepted: false, offerAccepted: true },
    });
    expect(d).toMatchObject({ ok: true, to: EXPECTED[state][action] });
  });

  it.each(forbidden)('%s --%s--> refused', (state, action) => {
    expect(nextMatchState(state, action)).toBeNull();
    for (const actor of MATCH_ACTORS) {
      const d = decide({ state, action, actor, side: 'offer', flags: NONE });
      expect(d.ok).toBe(false);
      if (!d.ok) {
        expect(d.code).toBe('not_allowed_from_state');
        expect(d.message).toBe(
          matchingZh.decideError.not_allowed_from_state(matchingZh.state[state], matchingZh.action[action]),
        );
      }
    }
  });

  it('says in Chinese why a move is refused', () => {
    const d = decide({ state: 'negotiating', action: 'register', actor: 'staff' });
    expect(d).toEqual({
      ok: false,
      code: 'not_allowed_from_state',
      message: '当前状态“洽谈中”不能执行“登记合同”',
    });
  });

  it('cannot be declined or withdrawn once a contract is signed', () => {
    for (const state of ['contract_signed', 'registered', 'in_execution'] as const) {
      expect(nextMatchState(state, 'decline')).toBeNull();
      expect(nextMatchState(state, 'withdraw')).toBeNull();
    }
  });
});

describe('actors', () => {
  it.each(MATCH_ACTIONS.flatMap((a) => MATCH_ACTORS.map((r) => [a, r] as const)))(
    'mayAct(%s, %s)',
    (action, actor) => {
      expect(mayAct(action, actor)).toBe(EXPECTED_ACTORS[action].includes(actor));
    },
  );

  it('the system takes no transition', () => {
    for (const action of MATCH_ACTIONS) expect(mayAct(action, 'system')).toBe(false);
  });

  it('refuses an actor who may not act, with a Chinese message', () => {
    expect(decide({ state: 'proposed', action: 'accept', actor: 'manager', side: 'need' })).toEqual({
      ok: false,
      code: 'actor_not_allowed',
      message: '技术经理人无权执行“接受对接”',
    });
    expect(decide({ state: 'accepted', action: 'start_negotiation', actor: 'staff' })).toMatchObject({
      ok: false,
      code: 'actor_not_allowed',
    });
    expect(decide({ state: 'negotiating', action: 'decline', actor: 'manager' })).toMatchObject({
      ok: false,
      code: 'actor_not_allowed',
    });
    expect(decide({ state: 'contract_signed', action: 'register', actor: 'staff' })).toEqual({
      ok: true,
      to: 'registered',
    });
    expect(decide({ state: 'in_execution', action: 'close', actor: 'staff' })).toEqual({
      ok: true,
      to: 'closed',
    });
    expect(decide({ state: 'negotiating', action: 'withdraw', actor: 'staff' })).toEqual({
      ok: true,
      to: 'withdrawn',
    });
  });

  it('checks the state before the actor', () => {
    expect(decide({ state: 'closed', action: 'accept', actor: 'staff', side: 'need' })).toMatchObject({
      code: 'not_allowed_from_state',
    });
  });
});

describe('two-sided acceptance', () => {
  it('one side accepting leaves the match proposed; the second makes it accepted', () => {
    const first = decide({ state: 'proposed', action: 'accept', actor: 'party', side: 'need', flags: NONE });
    expect(first).toEqual({ ok: true, to: 'proposed', flags: { needAccepted: true, offerAccepted: false } });
    const flags = first.ok ? (first.flags as AcceptFlags) : NONE;
    const second = decide({ state: 'proposed', action: 'accept', actor: 'party', side: 'offer', flags });
    expect(second).toEqual({ ok: true, to: 'accepted', flags: BOTH });
  });

  it('treats missing flags as nobody has accepted yet', () => {
    expect(decide({ state: 'proposed', action: 'accept', actor: 'party', side: 'offer' })).toEqual({
      ok: true,
      to: 'proposed',
      flags: { needAccepted: false, offerAccepted: true },
    });
  });

  it('refuses a side that has already accepted', () => {
    const d = decide({
      state: 'proposed',
      action: 'accept',
      actor: 'party',
      side: 'offer',
      flags: { needAccepted: false, offerAccepted: true },
    });
    expect(d).toEqual({ ok: false, code: 'already_accepted', message: '成果方已接受此对接，请等待对方确认' });
  });

  it('refuses accept without a side as a programming error', () => {
    expect(() => decide({ state: 'proposed', action: 'accept', actor: 'party' })).toThrow(TypeError);
  });

  it('applyAccept sets one flag and reports when the pair completes', () => {
    expect(applyAccept(NONE, 'need')).toEqual({
      flags: { needAccepted: true, offerAccepted: false },
      becomesAccepted: false,
    });
    expect(applyAccept({ needAccepted: true, offerAccepted: false }, 'offer')).toEqual({
      flags: BOTH,
      becomesAccepted: true,
    });
    expect(applyAccept({ needAccepted: false, offerAccepted: true }, 'need').becomesAccepted).toBe(true);
    expect(applyAccept(BOTH, 'need')).toEqual({ flags: BOTH, becomesAccepted: false });
  });

  it('does not change the flags it is given', () => {
    const flags = { ...NONE };
    applyAccept(flags, 'need');
    expect(flags).toEqual(NONE);
  });
});

describe('buttons and open states', () => {
  it('terminal states are not open and offer no action to anyone', () => {
    for (const state of TERMINAL_MATCH_STATES) {
      expect(isOpen(state)).toBe(false);
      for (const actor of MATCH_ACTORS) expect(availableActions(state, actor)).toEqual([]);
    }
    const open = MATCH_STATES.filter((s) => isOpen(s));
    expect(open).toEqual([
      'proposed',
      'accepted',
      'negotiating',
      'contract_signed',
      'registered',
      'in_execution',
    ]);
  });

  it('lists exactly the actions that are possible now for the actor', () => {
    expect(availableActions('proposed', 'party')).toEqual(['accept', 'decline', 'withdraw']);
    expect(availableActions('proposed', 'manager')).toEqual(['withdraw']);
    expect(availableActions('accepted', 'manager')).toEqual(['start_negotiation', 'withdraw']);
    expect(availableActions('negotiating', 'party')).toEqual(['sign_contract', 'decline', 'withdraw']);
    expect(availableActions('contract_signed', 'staff')).toEqual(['register']);
    expect(availableActions('registered', 'staff')).toEqual([]);
    expect(availableActions('registered', 'manager')).toEqual(['start_execution']);
    expect(availableActions('in_execution', 'party')).toEqual(['close']);
    for (const state of MATCH_STATES) expect(availableActions(state, 'system')).toEqual([]);
  });

  it('agrees with the table and the actor rules everywhere', () => {
    for (const state of MATCH_STATES) {
      for (const actor of MATCH_ACTORS) {
        const expected = MATCH_ACTIONS.filter(
          (a) => EXPECTED[state][a] !== '' && EXPECTED_ACTORS[a].includes(actor),
        );
        expect(availableActions(state, actor), `${state} ${actor}`).toEqual(expected);
      }
    }
  });

  it('hides accept from a side that has already accepted', () => {
    const flags = { needAccepted: true, offerAccepted: false };
    expect(availableActions('proposed', 'party', { side: 'need', flags })).toEqual(['decline', 'withdraw']);
    expect(availableActions('proposed', 'party', { side: 'offer', flags })).toEqual([
      'accept',
      'decline',
      'withdraw',
    ]);
  });

  it('has a Chinese label for every state, action, actor and side', () => {
    for (const s of MATCH_STATES) expect(matchingZh.state[s]).toMatch(/\p{Script=Han}/u);
    for (const a of MATCH_ACTIONS) expect(matchingZh.action[a]).toMatch(/\p{Script=Han}/u);
    for (const r of MATCH_ACTORS) expect(matchingZh.actor[r]).toMatch(/\p{Script=Han}/u);
  });
});
