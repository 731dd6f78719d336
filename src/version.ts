/** lawfit's version, recorded in every artifact. A test keeps it equal to package.json's. */
export const LAWFIT_VERSION = '0.1.0';
