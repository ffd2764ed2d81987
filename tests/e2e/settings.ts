/** Shared by the Playwright config and the specs: where `lathe serve` listens and its token. */
export const E2E_PORT = Number(process.env.LATHE_E2E_PORT ?? 47860);
export const E2E_TOKEN = 'e2e-token-not-secret';
/** Where the download spec serves its stand-in for the Hugging Face Hub (`lathe serve` is pointed there). */
export const E2E_HUB_PORT = Number(process.env.LATHE_E2E_HUB_PORT ?? 47861);
