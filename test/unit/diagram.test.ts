import * as fs from 'node:fs';
import * as path from 'node:path';
import { aslToMermaid, withDiagram } from '../../local/asl-diagram';
import { readPrepDefinition } from '../../lib/prep-definition';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('the state machine diagram in the README', () => {
  it('is the one generated from the ASL file (run `npm run diagram` after changing the ASL)', () => {
    const generated = withDiagram(readme, aslToMermaid(readPrepDefinition()));

    expect(readme).toBe(generated);
  });

  it('shows every state and every transition of the ASL file', () => {
    const asl = readPrepDefinition();

    const mermaid = aslToMermaid(asl);

    for (const [name, state] of Object.entries(asl.States)) {
      expect(mermaid).toContain(`  ${name}`);
      if (typeof state.Next === 'string') expect(mermaid).toContain(`${name} --> ${state.Next}`);
      for (const c of state.Catch ?? [])
        expect(mermaid).toContain(`${name} -.->|"${c.ErrorEquals.join(', ')}"| ${c.Next}`);
    }
  });

  it('changes when a transition changes, so a stale copy is caught', () => {
    const asl = readPrepDefinition();
    const rewired = {
      ...asl,
      States: { ...asl.States, LoadMeeting: { ...asl.States['LoadMeeting'], Next: 'NotifyViaEmail' } },
    };

    expect(withDiagram(readme, aslToMermaid(rewired))).not.toBe(readme);
  });
});
