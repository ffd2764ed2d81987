/**
 * Small instruct models offered when the library is empty: each trains on a laptop CPU or a
 * small GPU and runs anywhere, and comes from a repository whose GGUF files are published by
 * the model's makers or a well-known quantizer. Architectures are the ones Lathe trains
 * (llama, qwen2). Q8_0 is suggested where the file is small: it trains without the extra
 * error of a 4-bit base; the larger ones suggest Q4_K_M.
 */
import type { HubRecommendation } from '../../contract';

export const RECOMMENDED_MODELS: readonly HubRecommendation[] = [
  {
    repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF',
    file: 'qwen2.5-0.5b-instruct-q8_0.gguf',
    title: 'Qwen2.5 0.5B Instruct',
    description: 'About 0.5 GB. The quickest to fine-tune; a good first run on any machine.',
  },
  {
    repo: 'HuggingFaceTB/SmolLM2-360M-Instruct-GGUF',
    file: 'smollm2-360m-instruct-q8_0.gguf',
    title: 'SmolLM2 360M Instruct',
    description: 'About 0.4 GB. A tiny English model; trains in minutes on a CPU.',
  },
  {
    repo: 'bartowski/Llama-3.2-1B-Instruct-GGUF',
    file: 'Llama-3.2-1B-Instruct-Q8_0.gguf',
    title: 'Llama 3.2 1B Instruct',
    description: 'About 1.3 GB. Multilingual, 128K context; fits an 8 GB GPU for training.',
  },
  {
    repo: 'Qwen/Qwen2.5-1.5B-Instruct-GGUF',
    file: 'qwen2.5-1.5b-instruct-q4_k_m.gguf',
    title: 'Qwen2.5 1.5B Instruct',
    description: 'About 1 GB. Noticeably stronger answers; still trains on a laptop GPU.',
  },
];
