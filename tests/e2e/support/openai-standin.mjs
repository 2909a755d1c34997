// A stand-in for a model provider (outside our system): an HTTP server speaking the
// OpenAI-compatible chat completions API, streamed as Server-Sent Events. The `model` asked for
// decides how it behaves:
// - `steady-*`: the answer in pieces, 60 ms apart;
// - `held-*`: three pieces, then nothing until the test calls `release()`, then the rest;
// - `broken`: HTTP 500.
// It counts the requests, so a spec can tell that a refused prompt reached no model.
import { createServer } from 'node:http';

const PIECES = [
  '## 김장 ', '준비\n\n', '김장은 보통 **입동** 무렵, ', '11월 하순에서 12월 초에 합니다.\n\n',
  '1. 배추를 ', '소금물에 절입니다.\n', '2. 무, 갓, 쪽파로 ', '속을 만듭니다.\n',
  '3. 고춧가루와 젓갈로 ', '양념합니다.\n\n', '> 지역마다 ', '젓갈이 다릅니다.',
];

export class ProviderStandIn {
  static async start() {
    const standIn = new ProviderStandIn();
    standIn.requests = [];
    standIn.#newGate();
    standIn.server = createServer((req, res) => standIn.#handle(req, res));
    await new Promise((resolve) => standIn.server.listen(0, '127.0.0.1', resolve));
    standIn.baseUrl = `http://127.0.0.1:${standIn.server.address().port}/v1`;
    return standIn;
  }

  #newGate() {
    this.gate = new Promise((resolve) => { this.release = () => { resolve(); this.#newGate(); }; });
  }

  async #handle(req, res) {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404).end();
      return;
    }
    const { model, stream } = JSON.parse(body);
    this.requests.push(model);
    if (model === 'broken' || stream !== true) {
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"upstream failed"}}');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const gate = this.gate;
    for (const [i, piece] of PIECES.entries()) {
      if (res.destroyed) return;
      if (model.startsWith('held') && i === 3) await gate;
      const chunk = { id: 'chatcmpl-e2e', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      await new Promise((r) => setTimeout(r, 60));
    }
    res.end('data: [DONE]\n\n');
  }

  async close() {
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
