import { Link } from '@remix-run/react';
import type { MatchState } from '../../../../db/schema.ts';
import { zhCN } from '../../../i18n/zh-CN.ts';

const t = zhCN.deals;

export interface MatchRowView {
  id: number;
  state: MatchState;
  title: string;
  idleDays: number;
  stale: boolean;
  updated: string;
}

/** A table of matches: number, the two listings, state, last change; stale ones marked. */
export function MatchTable({ rows, caption }: { rows: MatchRowView[]; caption: string }) {
  if (rows.length === 0) return <p className="empty">{t.match.none}</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t.match.listing}</th>
            <th scope="col">{t.match.state}</th>
            <th scope="col">{zhCN.editions.bureau.when}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid={`match-row-${r.id}`}>
              <td>
                <Link to={`/matches/${r.id}`}>{t.match.title(r.id)}</Link>
              </td>
              <td>{r.title}</td>
              <td>
                <span className={`badge badge--match-${r.state}`}>{zhCN.matching.state[r.state]}</span>
                {r.stale ? (
                  <span className="badge badge--status-rejected">{t.board.stale(r.idleDays)}</span>
                ) : null}
              </td>
              <td>{r.updated}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
