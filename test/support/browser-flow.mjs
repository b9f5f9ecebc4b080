// Drives a real headless Chromium through an email link's pages (run as a child process: puppeteer-core is an ES
// module, which jest's CommonJS runtime cannot load). Usage: node browser-flow.mjs <chromium> <url> look|click
// Prints one JSON line: the confirmation page, the outcome page after pressing its button (click), and every
// console error, page error or failed request seen.
import puppeteer from 'puppeteer-core';

const [executablePath, url, mode] = process.argv.slice(2);
const problems = [];
const browser = await puppeteer.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check'],
});
try {
  const page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn')
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`),
  );
  const describe = async (response) => ({
    status: response?.status() ?? 0,
    lang: await page.$eval('html', (html) => html.lang),
    title: await page.title(),
    heading: await page.$eval('h1', (h1) => h1.textContent),
    // biome-ignore lint/performance/useDomNodeTextContent: the test reads the page as a person sees it, laid out.
    text: await page.$eval('main', (main) => main.innerText),
    buttons: await page.$$eval('button', (buttons) => buttons.map((b) => b.textContent)),
  });
  const confirm = await describe(await page.goto(url, { waitUntil: 'load' }));
  let outcome;
  if (mode === 'click') {
    const [response] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.click('button[type=submit]'),
    ]);
    outcome = { ...(await describe(response)), method: response?.request().method(), url: response?.url() };
  }
  process.stdout.write(`${JSON.stringify({ confirm, outcome, problems })}\n`);
} finally {
  await browser.close();
}
