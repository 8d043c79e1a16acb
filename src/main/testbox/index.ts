/** The virtual NUMA box: a QEMU guest with N NUMA nodes running a stock Debian kernel, driven over serial ports. */
export { testboxUp, testboxList, testboxDown, testboxReboot, openTestboxTransport, chooseVariant, type TestboxUpOptions } from './api';
export { readDescriptor } from './boxState';
export type { TestboxDescriptor, TestboxStatus } from './boxState';
export { TestboxError, type TestboxErrorKind, type Log } from './errors';
export { TESTBOX_APT_PACKAGES } from './prereqs';
export { parseMemSizeMiB } from './memSize';
export { GUEST_WORKLOAD_DIR } from './initramfs';
export { registerTestboxTransport } from './register';
