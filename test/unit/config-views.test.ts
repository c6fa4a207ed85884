import { describe, expect, it } from 'vitest';
import { profilesView, summarize } from '../../src/commands/profile/list.js';
import { profileView } from '../../src/commands/profile/show.js';
import { parseConfig } from '../../src/config/file.js';
import { maskProfile } from '../../src/config/secrets.js';
import { render } from '../../src/output.js';

const cfg = parseConfig([
  'current: prod',
  'profiles:',
  '  prod: {brokers: [k1:9093, k2:9093], sasl: {mechanism: scram-sha-512, username: app, password: hunter2}, tls: {ca: ca.pem}}',
  '  local: {brokers: [127.0.0.1:9092]}',
  '',
].join('\n'), '/c.yaml');

describe('profile views', () => {
  it('lists profiles sorted, with the current one marked', () => {
    const view = profilesView(summarize(cfg));
    expect(render(view, 'plain')).toBe('local\nprod\n');
    expect(render(view, 'table')).toBe([
      '┌───────┬─────────┬─────────────────┬──────────────────────┬─────┐',
      '│ NAME  │ CURRENT │ BROKERS         │ SASL                 │ TLS │',
      '│ local │         │ 127.0.0.1:9092  │ -                    │ no  │',
      '│ prod  │ *       │ k1:9093,k2:9093 │ scram-sha-512 as app │ yes │',
      '└───────┴─────────┴─────────────────┴──────────────────────┴─────┘',
      '',
    ].join('\n'));
    expect(JSON.parse(render(view, 'json'))[1]).toEqual({ name: 'prod', current: true, brokers: ['k1:9093', 'k2:9093'], sasl: { mechanism: 'scram-sha-512', username: 'app' }, tls: true });
  });

  it('lists no profiles as empty output', () => {
    const empty = profilesView([]);
    expect(render(empty, 'plain')).toBe('');
    expect(render(empty, 'json')).toBe('[]\n');
  });

  it('shows one profile as key/value rows, password masked', () => {
    const view = profileView('prod', true, maskProfile(cfg.profiles.prod!));
    expect(render(view, 'plain')).toBe([
      'KEY\tVALUE', 'name\tprod', 'current\tyes', 'brokers\tk1:9093,k2:9093', 'sasl.mechanism\tscram-sha-512',
      'sasl.username\tapp', 'sasl.password\t********', 'tls.ca\tca.pem', '',
    ].join('\n'));
    expect(render(view, 'json')).not.toContain('hunter2');
  });
});
