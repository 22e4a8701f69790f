import { zhCN } from '../../../i18n/zh-CN.ts';
import type { EditionModel, EntryCard } from '../view-model.ts';

/*
 * An edition as the public sees it: sections (需求清单 / 供给清单) → chain action → field, one table per field
 * group (dense, comparable, printable), the statistics as tables, the errata. Used by the public page, the
 * staff preview and the print view.
 */

const t = zhCN.editions;
const c = t.columns;

const STATE_LABEL = { withdrawn: t.entryWithdrawn, expired: t.entryExpired, hidden: t.entryHidden } as const;

function EntryRow({ entry }: { entry: EntryCard }) {
  return (
    <tr className={entry.liveState === 'live' ? undefined : 'edition-entry--gone'}>
      <td>{entry.seq}</td>
      <td>
        {entry.liveState === 'live' ? (
          <a href={`/listings/${entry.listingId}`}>{entry.title}</a>
        ) : (
          <>
            <span>{entry.title}</span>{' '}
            <span className="badge badge--status-withdrawn" title={t.entryStatusHint}>
              {STATE_LABEL[entry.liveState]}
            </span>
          </>
        )}
        <div className="muted">{entry.summary}</div>
        {entry.note ? (
          <div className="edition-note">
            {t.note}：{entry.note}
          </div>
        ) : null}
      </td>
      <td>{zhCN.kind[entry.kind]}</td>
      <td>{entry.organisation ?? '—'}</td>
      <td>{entry.region}</td>
      <td>{entry.trl ?? '—'}</td>
      <td>{entry.money ?? '—'}</td>
    </tr>
  );
}

function EntryTable({ caption, entries }: { caption: string; entries: EntryCard[] }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a table that scrolls sideways on a phone must be reachable by keyboard.
    <section className="table-wrap" tabIndex={0} aria-label={caption}>
      <table className="edition-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{c.position}</th>
            <th scope="col">{c.title}</th>
            <th scope="col">{c.kind}</th>
            <th scope="col">{c.organisation}</th>
            <th scope="col">{c.region}</th>
            <th scope="col">{c.trl}</th>
            <th scope="col">{c.amount}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <EntryRow key={entry.id} entry={entry} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function CountTable({ caption, rows }: { caption: string; rows: [string, number][] }) {
  return (
    <table className="count-table">
      <caption>{caption}</caption>
      <tbody>
        {rows.map(([label, n]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td>{n}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EditionStatsPanel({ model }: { model: EditionModel }) {
  const s = model.stats;
  return (
    <section className="panel edition-stats" aria-labelledby="edition-stats">
      <h2 id="edition-stats">{t.stats}</h2>
      <div className="edition-stats__tables">
        <CountTable
          caption={t.statsByKind}
          rows={(['demand', 'scenario', 'achievement'] as const).map((k) => [zhCN.kind[k], s.byKind[k]])}
        />
        <CountTable
          caption={t.statsByChain}
          rows={(['strengthen', 'build', 'layout'] as const).map((k) => [zhCN.chainAction[k], s.byChain[k]])}
        />
        <CountTable caption={t.statsByField} rows={s.byField.map((f) => [f.fieldName, f.count])} />
      </div>
    </section>
  );
}

export function EditionSections({ model }: { model: EditionModel }) {
  return (
    <>
      {model.sections.map((section) => (
        <section
          key={section.section}
          className="edition-section"
          aria-labelledby={`section-${section.section}`}
        >
          <h2 id={`section-${section.section}`}>
            {t.section[section.section]} <span className="muted">{t.entriesCount(section.count)}</span>
          </h2>
          <p className="muted">{t.sectionHint[section.section]}</p>
          {section.count === 0 ? <p className="empty">{t.entriesCount(0)}</p> : null}
          {section.chains.map((chain) => (
            <div key={chain.chainAction} className="edition-chain">
              <h3>{zhCN.chainAction[chain.chainAction]}</h3>
              {chain.fields.map((field) => (
                <div key={field.fieldName} className="edition-field">
                  <h4>{field.fieldName}</h4>
                  <EntryTable
                    caption={`${t.section[section.section]} · ${zhCN.chainAction[chain.chainAction]} · ${field.fieldName}`}
                    entries={field.entries}
                  />
                </div>
              ))}
            </div>
          ))}
        </section>
      ))}
    </>
  );
}

export function EditionFacts({ model }: { model: EditionModel }) {
  return (
    <p className="edition-facts">
      {t.numberLabel(model.year, model.number)}
      {model.publishedOn ? ` · ${t.publishedOn(model.publishedOn)}` : null}
      {model.period ? ` · ${t.period}：${t.periodRange(model.period.from, model.period.to)}` : null}
    </p>
  );
}

export function EditionErrata({ model }: { model: EditionModel }) {
  if (model.errata.length === 0) return null;
  return (
    <section className="panel edition-errata" aria-labelledby="edition-errata">
      <h2 id="edition-errata">{t.errata}</h2>
      <ol>
        {model.errata.map((x) => (
          <li key={x.id}>
            <strong>{t.erratumOn(x.on)}</strong>
            <p className="prose">{x.body}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
