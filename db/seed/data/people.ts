import type { ManagerGrade, PlatformRole } from '../../schema.ts';
import type { FieldCode } from './types.ts';

/*
 * Fictional people. Every demo account lives under @helin-demo.cn; phone numbers are generated as
 * 1380000xxxx in build.ts. Organisation owners are named in organisations.ts (owner-<key>@helin-demo.cn).
 */
export const DEMO_DOMAIN = 'helin-demo.cn';
/** Every demo account's password (listed in README.md). Never used outside demo data. */
export const DEMO_PASSWORD = 'helin-demo-2026';
export const BUREAU_ADMIN_EMAIL = `admin@${DEMO_DOMAIN}`;
export const BUREAU_REVIEWER_EMAIL = `reviewer@${DEMO_DOMAIN}`;

export interface StaffSeed {
  email: string;
  name: string;
  role: PlatformRole;
}

/** Bureau staff, members of the organisation 'bureau' (the admin is its owner). */
export const staff: StaffSeed[] = [
  { email: BUREAU_ADMIN_EMAIL, name: '王建国', role: 'bureau_admin' },
  { email: BUREAU_REVIEWER_EMAIL, name: '李秀兰', role: 'bureau_reviewer' },
];

export interface ManagerSeed {
  email: string;
  name: string;
  grade: ManagerGrade;
  certificateNo: string;
  agency: string;
  fields: FieldCode[];
  bio: string;
}

export const managers: ManagerSeed[] = [
  {
    email: `manager1@${DEMO_DOMAIN}`,
    name: '张志强',
    grade: 'senior',
    certificateNo: 'JSJLR-2025-150001',
    agency: 'shengle-transfer',
    fields: ['dairy', 'probiotics', 'agri-food'],
    bio: '高级技术经理人，食品科学硕士，从事乳品企业技术服务12年，累计促成技术合同31项、成交额2860万元。',
  },
  {
    email: `manager2@${DEMO_DOMAIN}`,
    name: '刘晓燕',
    grade: 'intermediate',
    certificateNo: 'JSJLR-2025-150002',
    agency: 'chilechuan-transfer',
    fields: ['new-energy', 'energy-storage', 'hydrogen'],
    bio: '中级技术经理人，电气工程背景，熟悉新能源项目并网和储能技术评价，擅长高校成果与企业需求的对接。',
  },
  {
    email: `manager3@${DEMO_DOMAIN}`,
    name: '赵宇航',
    grade: 'junior',
    certificateNo: 'JSJLR-2025-150003',
    agency: 'saishang-ip',
    fields: ['low-altitude', 'ai', 'computing-hardware'],
    bio: '初级技术经理人，专利代理师，关注低空经济和人工智能领域的专利布局与许可运营。',
  },
];

export interface MemberSeed {
  email: string;
  name: string;
  organisation: string;
  status: 'active' | 'requested';
}

/** Plain members besides owners; active members also write some of their organisation's listings. */
export const members: MemberSeed[] = [
  {
    email: `member-chilechuan-dairy@${DEMO_DOMAIN}`,
    name: '周婷',
    organisation: 'chilechuan-dairy',
    status: 'active',
  },
  {
    email: `member-beijiang-univ@${DEMO_DOMAIN}`,
    name: '李红梅',
    organisation: 'beijiang-univ',
    status: 'active',
  },
  {
    email: `member-shengle-yungu@${DEMO_DOMAIN}`,
    name: '王宁',
    organisation: 'shengle-yungu',
    status: 'active',
  },
  {
    email: `member-dairy-institute@${DEMO_DOMAIN}`,
    name: '其木格',
    organisation: 'dairy-institute',
    status: 'active',
  },
  {
    email: `member-saishang-univ@${DEMO_DOMAIN}`,
    name: '陈斌',
    organisation: 'saishang-univ',
    status: 'active',
  },
  {
    email: `member-jingrui-silicon@${DEMO_DOMAIN}`,
    name: '刘洋',
    organisation: 'jingrui-silicon',
    status: 'requested',
  },
];
