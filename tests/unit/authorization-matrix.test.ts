import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MATRIX, POST_COVERED_ELSEWHERE, ROLES } from '../e2e/authorization-matrix.ts';

describe('authorisation matrix', () => {
  const routeIds = fs
    .readdirSync(path.resolve('app/routes'))
    .filter((f) => /\.(tsx?|jsx?)$/.test(f))
    .map((f) => f.replace(/\.(tsx?|jsx?)$/, ''))
    .sort();

  it('has an entry for every route file (a new route without one fails here)', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(routeIds);
  });

  it('states an outcome for every role in every entry', () => {
    for (const [route, entry] of Object.entries(MATRIX)) {
      expect(Object.keys(entry.expect).sort(), route).toEqual([...ROLES].sort());
      if (entry.post) expect(Object.keys(entry.post.expect).sort(), route).toEqual([...ROLES].sort());
    }
  });

  it('gives every route module with an action a POST row', () => {
    for (const id of routeIds) {
      const file = ['.tsx', '.ts']
        .map((ext) => path.resolve('app/routes', id + ext))
        .find((f) => fs.existsSync(f));
      const source = fs.readFileSync(file!, 'utf8');
      const hasAction = /export (async )?function action/.test(source);
      if (hasAction && !(id in POST_COVERED_ELSEWHERE)) expect(MATRIX[id]?.post, id).toBeDefined();
    }
  });
});
