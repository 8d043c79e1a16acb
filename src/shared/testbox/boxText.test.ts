import { describe, expect, it } from 'vitest';
import { acceleratorText, formatUptime, ownerText } from './boxText';

describe('box wording', () => {
  it('gives uptimes in the two largest units', () => {
    expect(formatUptime(-5)).toBe('0 s');
    expect(formatUptime(42_900)).toBe('42 s');
    expect(formatUptime(5 * 60_000 + 3_000)).toBe('5 min 03 s');
    expect(formatUptime(2 * 3_600_000 + 7 * 60_000)).toBe('2 h 07 min');
    expect(formatUptime(3 * 86_400_000 + 4 * 3_600_000 + 59_000)).toBe('3 d 4 h');
  });

  it('names the owner: this lab, another process alive or exited, or unknown', () => {
    expect(ownerText({ owner: 'this-lab', ownerPid: 812, ownerAlive: true, ownerCommand: 'numa-lab serve' })).toBe('this lab (pid 812)');
    expect(ownerText({ owner: 'elsewhere', ownerPid: 4410, ownerAlive: false, ownerCommand: 'numa-lab testbox up' })).toBe('numa-lab testbox up, pid 4410, exited');
    expect(ownerText({ owner: 'elsewhere', ownerPid: 4411, ownerAlive: true, ownerCommand: null })).toBe('another process, pid 4411, still running');
    expect(ownerText({ owner: 'elsewhere', ownerPid: null, ownerAlive: null })).toMatch(/unknown process.*before owners were recorded/);
  });

  it('says what each accelerator means', () => {
    expect(acceleratorText('tcg')).toMatch(/emulated/);
    expect(acceleratorText('kvm')).toMatch(/hardware/);
  });
});
