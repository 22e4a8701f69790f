import type {
  AchievementType,
  DemandType,
  GrowthTier,
  OrganisationType,
  ScenarioType,
} from '../../schema.ts';

/** The 18 field codes inserted by the migration 2026-11-26T0910-field-taxonomy.ts. */
export const FIELD_CODES = [
  'dairy',
  'probiotics',
  'agri-food',
  'modern-agriculture',
  'future-food',
  'new-energy',
  'energy-storage',
  'hydrogen',
  'virtual-power-plant',
  'transport-energy',
  'new-materials',
  'composites',
  'computing-hardware',
  'ai',
  'industrial-software',
  'low-altitude',
  'synthetic-biology',
  'quantum',
] as const;

export type FieldCode = (typeof FIELD_CODES)[number];

export interface OrganisationSeed {
  /** Stable key: owner e-mail is owner-<key>@helin-demo.cn. */
  key: string;
  type: OrganisationType;
  name: string;
  shortName: string;
  /** Valid GB 32100-2015 code, check character computed once with usccCheckCharacter. */
  uscc: string;
  region: string;
  address: string;
  website?: string;
  description: string;
  growthTiers?: GrowthTier[];
  agencyRating?: 'level1' | 'level2';
  fields: FieldCode[];
  /** Omitted: verified. */
  verification?: 'pending' | 'rejected';
  verificationNote?: string;
  /** 蒙科聚 number, six digits. */
  mkj?: string;
  /** Display name of the owner account (法定代表人 or the staff member who registered the organisation). */
  owner: string;
  /** Unit or team that writes achievement listings (universities, institutes). */
  teams?: string[];
}

export interface DemandSeed {
  title: string;
  type: DemandType;
  /** The problem as the enterprise states it, one clause without final punctuation. */
  problem: string;
  /** Quantified targets (考核指标), 2–4 items separated by '；'. */
  targets: string;
  /** 3–6 search terms separated by '、'. */
  keywords: string;
  also?: FieldCode;
  /** Key of the organisation that posts it; default: chosen among organisations working in the field. */
  by?: string;
}

export interface AchievementSeed {
  title: string;
  type: AchievementType;
  /** What the achievement is, one clause. */
  intro: string;
  /** 1–3 innovation points with numbers, separated by '；'. */
  points: string;
  /** 3–6 search terms separated by '、'. */
  keywords: string;
  trl?: number;
  also?: FieldCode;
  /** Key of the organisation that posts it; default: chosen among organisations working in the field. */
  by?: string;
}

export interface ScenarioSeed {
  title: string;
  type: ScenarioType;
  /** What is opened for trial, one clause. */
  need: string;
  /** Technology sought (expected_tech). */
  tech: string;
  /** Quantified expectations separated by '；'. */
  targets: string;
  /** 3–6 search terms separated by '、'. */
  keywords: string;
  /** Where the scenario is; default: the issuing organisation's address. */
  location?: string;
  /**
   * The unit that opens the scenario when it is not the posting organisation (a county department whose
   * scenario the bureau posts). The organisation with exactly this name posts it if there is one.
   */
  issuer?: string;
  also?: FieldCode;
  /** Key of the organisation that posts it; default: chosen among organisations working in the field. */
  by?: string;
}

export interface FieldMaterial {
  code: FieldCode;
  /** County context for detail texts, one sentence without final punctuation. */
  context: string;
  /** Who an achievement suits, e.g. 适用于液态奶、发酵乳生产企业. */
  applies: string;
  /** What an enterprise can offer a partner (中试线, 数据, 场地…). */
  support: string;
  demands: DemandSeed[];
  achievements: AchievementSeed[];
  scenarios: ScenarioSeed[];
}
