import { z } from 'zod';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The one thing briefbot asks of a language model: a reply to a short conversation. */
export interface ChatModel {
  complete(messages: readonly ChatMessage[]): Promise<string>;
}

export interface OpenAiCompatibleOptions {
  /** e.g. https://api.openai.com/v1, http://127.0.0.1:11434/v1 (Ollama), a vLLM server. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

const CompletionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
});

/** Any server speaking the OpenAI chat completions API. */
export class OpenAiCompatibleChat implements ChatModel {
  constructor(private readonly options: OpenAiCompatibleOptions) {}

  async complete(messages: readonly ChatMessage[]): Promise<string> {
    const response = await fetch(`${this.options.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
      },
      body: JSON.stringify({ model: this.options.model, messages, temperature: 0 }),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (!response.ok) throw new Error(`chat completion failed: HTTP ${response.status}`);
    const parsed = CompletionSchema.safeParse(await response.json());
    if (!parsed.success) throw new Error('chat completion answer has no message');
    return parsed.data.choices[0]?.message.content ?? '';
  }
}
