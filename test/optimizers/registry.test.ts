import { describe, expect, it } from 'vitest';
import { createAdam } from '../../src/engine/optimizers/adam.js';
import { optimizers } from '../../src/engine/optimizers/index.js';
import { createLbfgs } from '../../src/engine/optimizers/lbfgs.js';
import type { Optimizer } from '../../src/engine/optimizers/optimizer.js';
import { illConditionedQuadratic } from './problems.js';

const { objective } = illConditionedQuadratic(20, 1e3);

async function trajectory(optimizer: Optimizer): Promise<number[]> {
  const x = new Float32Array(20);
  for (let i = 0; i < 15; i++) await optimizer.step(x);
  return Array.from(x);
}

describe('optimizer registry', () => {
  it('passes the history size to L-BFGS', async () => {
    const viaRegistry = await trajectory(optimizers.lbfgs(objective, { learningRate: 4, history: 2 }));
    expect(viaRegistry).toEqual(await trajectory(createLbfgs(objective, { history: 2 })));
    expect(viaRegistry).not.toEqual(await trajectory(createLbfgs(objective)));
  });

  it('passes the learning rate to Adam', async () => {
    const viaRegistry = await trajectory(optimizers.adam(objective, { learningRate: 0.5 }));
    expect(viaRegistry).toEqual(await trajectory(createAdam(objective, { learningRate: 0.5 })));
    expect(viaRegistry).not.toEqual(await trajectory(createAdam(objective)));
  });
});
