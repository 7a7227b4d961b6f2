"""The vision-model engines (Gemini, OpenAI-compatible, hybrid) and what they share: prompt, cache, budget."""
