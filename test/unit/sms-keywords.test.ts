import { parseSmsCommand } from '../../lambda/actions/sms-keywords';

describe('parseSmsCommand: PREP and LATER as people type them', () => {
  it.each([
    ['PREP', 'start_prep'],
    ['prep', 'start_prep'],
    ['  Prep.  ', 'start_prep'],
    ['"PREP!"', 'start_prep'],
    ['later', 'remind_later'],
    ['LATER 👍', 'remind_later'],
    ['Later...', 'remind_later'],
  ])('reads %j as %s for the latest meeting', (body, action) => {
    expect(parseSmsCommand(body)).toEqual({ kind: 'action', action });
  });

  it.each([
    ['PREP 2', 'start_prep', 2],
    ['prep2', 'start_prep', 2],
    ['Prep #3', 'start_prep', 3],
    ['LATER 9.', 'remind_later', 9],
  ])('reads %j as %s for meeting %d', (body, action, number) => {
    expect(parseSmsCommand(body)).toEqual({ kind: 'action', action, number });
  });

  it.each(['PREP 0', 'PREP 10', 'prep me', 'prepare', 'not now', '', '   ', 'PREP LATER'])(
    'does not act on %j',
    (body) => {
      expect(parseSmsCommand(body)).toEqual({ kind: 'unknown' });
    },
  );
});

describe("parseSmsCommand: Twilio's own keywords", () => {
  it.each(['STOP', 'stop', 'Stop.', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'])(
    'reads %j as opting out',
    (body) => {
      expect(parseSmsCommand(body)).toEqual({ kind: 'opt_out' });
    },
  );

  it.each(['START', 'yes', 'UNSTOP'])('reads %j as opting in', (body) => {
    expect(parseSmsCommand(body)).toEqual({ kind: 'opt_in' });
  });

  it.each(['HELP', 'info'])('reads %j as Twilio help', (body) => {
    expect(parseSmsCommand(body)).toEqual({ kind: 'twilio_help' });
  });

  it('does not read a sentence containing STOP as opting out (Twilio needs the keyword alone)', () => {
    expect(parseSmsCommand("don't stop")).toEqual({ kind: 'unknown' });
  });
});
