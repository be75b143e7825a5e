import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // restify loads spdy, whose http-deceiver reads process.binding('http_parser') (DEP0111) at require time;
    // the warning says nothing about this code, so test workers start without it, as npm start does.
    execArgv: ['--disable-warning=DEP0111'],
  },
});
