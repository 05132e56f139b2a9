// Serves a GGUF with a real llama.cpp engine (node-llama-cpp) behind inference-server's
// OpenAI-compatible HTTP API, under /openai/v1 (a base URL with a path prefix).
//   node serve.mjs MODEL.gguf PORT
import { InferenceServer, createExpressServer } from 'inference-server';

const [file, port] = process.argv.slice(2);
const server = new InferenceServer({
  log: 'warn',
  concurrency: 1,
  models: {
    tiny: {
      task: 'text-completion',
      engine: 'node-llama-cpp',
      location: file,
      contextSize: 2048,
      device: { gpu: false, cpuThreads: 1 },
    },
  },
});
await server.start();
const http = createExpressServer(server).listen(Number(port), '127.0.0.1', () => {
  console.log(`ready on ${port}`);
});
const stop = async () => {
  http.close();
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
