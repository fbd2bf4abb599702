// Child process for the crash-mid-rotation test: rotates keys as fast as it can until killed.
import { cliContext } from '../../src/cli/context.js';
import { rotateKey } from '../../src/keys/manage-keys.js';

const ctx = cliContext(process.env);
const keyStore = ctx.keyStore();
await ctx.withStore(async (store) => {
  for (;;) {
    await rotateKey({ store, keyStore, clock: ctx.clock, actor: 'test' }, 'ES256');
    process.stdout.write('rotated\n');
  }
});
