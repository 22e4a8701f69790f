import { describe, expect, it } from 'vitest';
import { isValidUscc } from '../../app/features/orgs/rules.ts';
import {
  ACHIEVEMENT_TYPES,
  CONFIDENTIALITIES,
  DEMAND_TYPES,
  GROWTH_TIERS,
  LISTING_KINDS,
  LISTING_STATUSES,
  MODES,
  ORGANISATION_TYPES,
  SCENARIO_TYPES,
} from '../../db/schema.ts';
import {
  BUREAU_ADMIN_EMAIL,
  buildDemoData,
  type DemoListing,
  FIELD_CODES,
  LISTING_LIFETIME_DAYS,
} from '../../db/seed/build.ts';

const NOW = new Date('2026-11-26T08:30:00Z');
const DAY = 86_400_000;
const data = buildDemoData(NOW);
const published = data.listings.filter((l) => l.row.status === 'published');
const ofKind = (kind: string) => data.listings.filter((l) => l.row.kind === kind);
/** Real names the demo must never use (it is fictional). */
const REAL_NAMES = ['伊利', '蒙牛', '内蒙古大学', '内蒙古农业大学', '内蒙古工业大学', '内蒙古科技大学'];

describe('buildDemoData', () => {
  it('is deterministic: the same now gives deep-equal data', () => {
    expect(buildDemoData(new Date(NOW))).toEqual(data);
  });

  it('moves with now (dates are offsets, not constants)', () => {
    const later = buildDemoData(new Date(NOW.getTime() + 30 * DAY));
    const first = later.listings.find((l) => l.row.title === data.listings[0]?.row.title);
    expect(first?.row.created_at.getTime()).toBe(
      (data.listings[0]?.row.created_at.getTime() ?? 0) + 30 * DAY,
    );
  });

  it('has at least 30 organisations of every type, with valid unique USCCs', () => {
    expect(data.organisations.length).toBeGreaterThanOrEqual(30);
    for (const type of ORGANISATION_TYPES) {
      expect(
        data.organisations.some((o) => o.type === type),
        type,
      ).toBe(true);
    }
    const codes = data.organisations.map((o) => o.uscc);
    for (const code of codes) expect(isValidUscc(code), code).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(data.organisations.map((o) => o.name)).size).toBe(data.organisations.length);
    expect(new Set(data.organisations.map((o) => o.key)).size).toBe(data.organisations.length);
  });

  it('has the bureau as a public body and service agencies with a rating', () => {
    const bureau = data.organisations.find((o) => o.name === '和林格尔县科学技术局');
    expect(bureau?.type).toBe('public_body');
    expect(bureau?.verification).toBe('verified');
    const agencies = data.organisations.filter((o) => o.type === 'agency');
    expect(agencies.length).toBeGreaterThanOrEqual(3);
    for (const agency of agencies) expect(['level1', 'level2']).toContain(agency.agency_rating);
  });

  it('gives organisations consistent verification, fields, tiers and descriptions', () => {
    const states = data.organisations.map((o) => o.verification);
    expect(states.filter((s) => s === 'pending').length).toBeGreaterThanOrEqual(2);
    expect(states.filter((s) => s === 'rejected').length).toBe(1);
    for (const o of data.organisations) {
      expect(o.fields.length, o.key).toBeGreaterThanOrEqual(1);
      expect(o.fields.length, o.key).toBeLessThanOrEqual(3);
      for (const f of o.fields) expect(FIELD_CODES).toContain(f);
      for (const t of o.growth_tiers) expect(GROWTH_TIERS).toContain(t);
      if (o.type !== 'enterprise') expect(o.growth_tiers, o.key).toEqual([]);
      if (o.type !== 'agency') expect(o.agency_rating).toBeNull();
      expect(o.description.length, o.key).toBeGreaterThanOrEqual(40);
      expect(o.description.length, o.key).toBeLessThanOrEqual(120);
      expect(o.verified_at !== null, o.key).toBe(o.verification === 'verified');
      if (o.verification === 'rejected') expect(o.verification_note).toBeTruthy();
      if (o.verified_at) expect(o.verified_at.getTime()).toBeLessThanOrEqual(NOW.getTime());
      expect(o.created_at.getTime()).toBeLessThan(NOW.getTime());
    }
    const mkj = data.organisations.map((o) => o.mkj_id).filter((id) => id !== null);
    expect(new Set(mkj).size).toBe(mkj.length);
  });

  it('uses fictional names only', () => {
    const text = JSON.stringify(data);
    for (const name of REAL_NAMES) expect(text.includes(name), name).toBe(false);
  });

  it('has the bureau staff, three managers and an owner for every verified organisation', () => {
    const emails = data.users.map((u) => u.email.toLowerCase());
    expect(new Set(emails).size).toBe(emails.length);
    const admin = data.users.find((u) => u.email === BUREAU_ADMIN_EMAIL);
    expect(admin?.platform_role?.role).toBe('bureau_admin');
    expect(data.users.find((u) => u.email === 'reviewer@helin-demo.cn')?.platform_role?.role).toBe(
      'bureau_reviewer',
    );
    const managers = data.users.filter((u) => u.platform_role?.role === 'manager');
    expect(managers.map((m) => m.email).sort()).toEqual([1, 2, 3].map((n) => `manager${n}@helin-demo.cn`));
    const agencies = new Set(data.organisations.filter((o) => o.type === 'agency').map((o) => o.key));
    for (const m of managers) {
      expect(m.manager).not.toBeNull();
      expect(agencies.has(m.manager?.agency ?? '')).toBe(true);
      expect(m.manager?.certificate_no).toMatch(/^JSJLR-\d{4}-\d{6}$/);
      for (const f of m.manager?.fields ?? []) expect(FIELD_CODES).toContain(f);
    }
    for (const o of data.organisations.filter((org) => org.verification === 'verified')) {
      const owners = data.users.filter((u) =>
        u.memberships.some((m) => m.organisation === o.key && m.role === 'owner' && m.status === 'active'),
      );
      expect(owners.length, o.key).toBeGreaterThanOrEqual(1);
    }
    const orgKeys = new Set(data.organisations.map((o) => o.key));
    for (const u of data.users) {
      expect(u.email).toMatch(/^[^@\s]+@helin-demo\.cn$/);
      expect(u.phone).toMatch(/^1\d{10}$/);
      for (const m of u.memberships) expect(orgKeys.has(m.organisation)).toBe(true);
    }
  });

  it('has at least 240 published listings, spread over kinds and fields', () => {
    expect(published.length).toBeGreaterThanOrEqual(240);
    for (const status of LISTING_STATUSES) {
      expect(
        data.listings.some((l) => l.row.status === status),
        status,
      ).toBe(true);
    }
    for (const kind of LISTING_KINDS) {
      const fields = new Set(published.filter((l) => l.row.kind === kind).flatMap((l) => l.fields));
      expect(fields.size, kind).toBeGreaterThanOrEqual(12);
    }
    const share = (kind: string) => ofKind(kind).length / data.listings.length;
    expect(share('demand')).toBeGreaterThan(0.33);
    expect(share('achievement')).toBeGreaterThan(0.28);
    expect(share('scenario')).toBeGreaterThan(0.2);
    const covered = new Set(published.flatMap((l) => l.fields));
    expect(covered.size).toBe(FIELD_CODES.length);
  });

  it('has unique titles, and fields among the 18 codes', () => {
    const titles = data.listings.map((l) => l.row.title);
    expect(new Set(titles).size).toBe(titles.length);
    for (const l of data.listings) {
      expect(l.fields.length, l.row.title).toBeGreaterThanOrEqual(1);
      expect(l.fields.length, l.row.title).toBeLessThanOrEqual(2);
      expect(new Set(l.fields).size).toBe(l.fields.length);
      for (const f of l.fields) expect(FIELD_CODES).toContain(f);
    }
  });

  it('writes listings that satisfy the table constraints and the content rules', () => {
    const orgs = new Map(data.organisations.map((o) => [o.key, o]));
    const users = new Set(data.users.map((u) => u.email));
    for (const l of data.listings) {
      const r = l.row;
      const name = r.title;
      expect(r.title.length, name).toBeGreaterThanOrEqual(4);
      expect(r.title.length, name).toBeLessThanOrEqual(120);
      expect(r.summary.length, name).toBeGreaterThanOrEqual(80);
      expect(r.summary.length, name).toBeLessThanOrEqual(300);
      expect(r.detail.length, name).toBeGreaterThanOrEqual(200);
      expect(r.detail.length, name).toBeLessThanOrEqual(600);
      expect(r.summary, name).toMatch(/\d/);
      expect(r.keywords.length, name).toBeGreaterThanOrEqual(3);
      expect(r.keywords.length, name).toBeLessThanOrEqual(6);
      expect(CONFIDENTIALITIES).toContain(r.confidentiality);
      expect(r.region, name).toBeTruthy();
      expect(orgs.get(l.organisation)?.verification === 'rejected', name).toBe(false);
      expect(users.has(l.created_by), name).toBe(true);
      for (const mode of [...r.cooperation_modes, ...r.transfer_modes]) expect(MODES).toContain(mode);
      if (r.kind !== 'demand') {
        expect([r.demand_type, r.budget_min_wan, r.budget_max_wan, r.deadline], name).toEqual([
          null,
          null,
          null,
          null,
        ]);
        expect(r.cooperation_modes, name).toEqual([]);
      }
      if (r.kind !== 'achievement') {
        expect([r.achievement_type, r.price_wan, r.trl], name).toEqual([null, null, null]);
        expect([r.innovation_points, r.patent_numbers, r.transfer_modes], name).toEqual([[], [], []]);
        expect(r.price_negotiable, name).toBe(false);
      }
      if (r.kind !== 'scenario') {
        expect([r.scenario_type, r.investment_wan, r.period_start, r.period_end], name).toEqual([
          null,
          null,
          null,
          null,
        ]);
        expect(r.first_trial, name).toBe(false);
      }
      if (r.status === 'rejected') expect(r.rejection_reason, name).toBeTruthy();
      else expect(r.rejection_reason, name).toBeNull();
      if (r.mkj_id) expect(r.mkj_url, name).toMatch(/^https:\/\/www\.mengkeju\.example\//);
    }
    const mkj = data.listings.map((l) => l.row.mkj_id).filter((id) => id !== null);
    expect(mkj.length).toBeGreaterThanOrEqual(8);
    expect(new Set(mkj).size).toBe(mkj.length);
  });

  it('fills the demand columns', () => {
    const deadlineMin = new Date(NOW.getTime() + 27 * DAY).toISOString().slice(0, 10);
    const deadlineMax = new Date(NOW.getTime() + 367 * DAY).toISOString().slice(0, 10);
    for (const { row: r } of ofKind('demand')) {
      expect(DEMAND_TYPES).toContain(r.demand_type);
      expect(r.indicators, r.title).toBeTruthy();
      expect(r.budget_max_wan, r.title).not.toBeNull();
      const max = r.budget_max_wan ?? 0;
      expect(max).toBeGreaterThanOrEqual(5);
      expect(max).toBeLessThanOrEqual(800);
      if (r.budget_min_wan !== null) expect(r.budget_min_wan).toBeLessThanOrEqual(max);
      expect(r.deadline ?? '').toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(r.deadline! >= deadlineMin && r.deadline! <= deadlineMax, r.title).toBe(true);
      expect(r.cooperation_modes.length, r.title).toBeGreaterThanOrEqual(1);
      for (const m of r.cooperation_modes) {
        expect([
          'transfer',
          'license',
          'joint_development',
          'commissioned',
          'service',
          'consulting',
        ]).toContain(m);
      }
      expect(r.ip_expectation, r.title).toBeTruthy();
      expect(r.contact_name && r.contact_phone && r.contact_email, r.title).toBeTruthy();
    }
    expect(ofKind('demand').some((l) => l.row.budget_min_wan === null)).toBe(true);
  });

  it('fills the achievement columns', () => {
    const achievements = ofKind('achievement');
    for (const { row: r } of achievements) {
      expect(ACHIEVEMENT_TYPES).toContain(r.achievement_type);
      expect(r.innovation_points.length, r.title).toBeGreaterThanOrEqual(1);
      expect(r.innovation_points.length, r.title).toBeLessThanOrEqual(3);
      expect(r.trl, r.title).not.toBeNull();
      expect(r.trl!).toBeGreaterThanOrEqual(1);
      expect(r.trl!).toBeLessThanOrEqual(9);
      expect(r.transfer_modes.length, r.title).toBeGreaterThanOrEqual(1);
      for (const m of r.transfer_modes) {
        expect(['transfer', 'license', 'equity', 'joint_development', 'service']).toContain(m);
      }
      expect(r.price_negotiable === (r.price_wan === null), r.title).toBe(true);
      if (r.price_wan !== null) expect(r.price_wan).toBeGreaterThanOrEqual(0);
      if (r.achievement_type === 'invention_patent' || r.achievement_type === 'utility_model') {
        expect(r.patent_numbers.length, r.title).toBeGreaterThanOrEqual(1);
      }
      for (const p of r.patent_numbers) expect(p).toMatch(/^ZL20\d{2}[12]\d{7}\.[\dX]$/);
      expect(r.team && r.advantages, r.title).toBeTruthy();
    }
    const negotiable = achievements.filter((l) => l.row.price_negotiable).length / achievements.length;
    expect(negotiable).toBeGreaterThan(0.15);
    expect(negotiable).toBeLessThan(0.45);
    const academic = achievements.filter((l) =>
      ['university', 'institute'].includes(
        data.organisations.find((o) => o.key === l.organisation)?.type ?? '',
      ),
    );
    expect(academic.length / achievements.length).toBeGreaterThan(0.6);
  });

  it('fills the scenario columns', () => {
    const scenarios = ofKind('scenario');
    for (const { row: r } of scenarios) {
      expect(SCENARIO_TYPES).toContain(r.scenario_type);
      expect(r.issuing_unit && r.location && r.expected_tech, r.title).toBeTruthy();
      expect(r.investment_wan, r.title).not.toBeNull();
      expect(r.period_start! <= r.period_end!, r.title).toBe(true);
    }
    const trials = scenarios.filter((l) => l.row.first_trial).length / scenarios.length;
    expect(trials).toBeGreaterThan(0.25);
    expect(trials).toBeLessThan(0.6);
  });

  it('dates published listings in the past and expiring in the future', () => {
    for (const { row: r } of published) {
      expect(r.published_at, r.title).not.toBeNull();
      expect(r.published_at!.getTime(), r.title).toBeLessThanOrEqual(NOW.getTime());
      expect(r.published_at!.getTime(), r.title).toBeGreaterThan(NOW.getTime() - 171 * DAY);
      expect(r.expires_at!.getTime(), r.title).toBeGreaterThan(NOW.getTime());
      expect(r.expires_at!.getTime() - r.published_at!.getTime()).toBe(LISTING_LIFETIME_DAYS * DAY);
      expect(r.submitted_at!.getTime(), r.title).toBeLessThan(r.published_at!.getTime());
      expect(r.created_at.getTime(), r.title).toBeLessThan(r.submitted_at!.getTime());
    }
    for (const { row: r } of data.listings.filter((l) => l.row.status === 'expired')) {
      expect(r.expires_at!.getTime(), r.title).toBeLessThan(NOW.getTime());
    }
    for (const { row: r } of data.listings.filter((l) => l.row.status === 'draft')) {
      expect(r.submitted_at).toBeNull();
      expect(r.published_at).toBeNull();
    }
  });

  it('records a history for every listing that left the draft state', () => {
    const reviewers = new Set(['reviewer@helin-demo.cn']);
    const history = (l: DemoListing) => l.events.map((e) => e.type).join('>');
    for (const l of data.listings) {
      const expected: Record<string, string> = {
        draft: '',
        submitted: 'submitted',
        published: 'submitted>published',
        rejected: 'submitted>rejected',
        expired: 'submitted>published>expired',
        withdrawn: 'submitted>published>withdrawn',
      };
      expect(history(l), l.row.title).toBe(expected[l.row.status]);
      const times = l.events.map((e) => e.created_at.getTime());
      expect(
        [...times].sort((a, b) => a - b),
        l.row.title,
      ).toEqual(times);
      for (const t of times) expect(t).toBeLessThanOrEqual(NOW.getTime());
      for (const e of l.events) {
        if (e.type === 'submitted') expect(e.actor).toBe(l.created_by);
        if (e.type === 'published' || e.type === 'rejected') expect(reviewers.has(e.actor ?? '')).toBe(true);
      }
    }
  });
});
