/** Shared by the Playwright config and the specs: where `lathe serve` listens and its token. */
export const E2E_PORT = Number(process.env.LATHE_E2E_PORT ?? 47860);
export const E2E_TOKEN = 'e2e-token-not-secret';
