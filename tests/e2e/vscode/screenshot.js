// Takes the README's hover screenshot: opens the workbench served by code-server in Debian's
// Chromium through playwright-core, opens the fixture, waits for nomen's squiggles, hovers a
// surname and saves a PNG of the editor with the hover. Run by `run.sh screenshot`.
// Usage: node screenshot.js URL USER_DATA_DIR OUT.png [chromium flags...]

const { chromium } = require('playwright-core');

const [url, userDataDir, out, ...flags] = process.argv.slice(2);
const NAME = 'Delacroix';

async function main() {
    const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: '/usr/bin/chromium',
        headless: true,
        // Playwright adds its own headless switch; the window size comes from the viewport.
        args: flags.filter((f) => !f.startsWith('--headless') && !f.startsWith('--window-size')),
        viewport: { width: 1100, height: 560 },
        deviceScaleFactor: 1,
    });
    try {
        const page = context.pages()[0] ?? (await context.newPage());
        await page.goto(url);
        await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
        // Quick Open is the way a user opens a file by name.
        await page.waitForSelector('.explorer-folders-view', { timeout: 60000 });
        await page.keyboard.press('Control+P');
        await page.waitForSelector('.quick-input-widget .quick-input-box input', { state: 'visible', timeout: 30000 });
        await page.keyboard.type('reunion.md');
        await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 30000 });
        await page.keyboard.press('Enter');
        // nomen's information diagnostics are drawn as squiggly-info decorations.
        await page.waitForSelector('.monaco-editor .squiggly-info', { timeout: 60000 });
        // Close the side bar so the text has the room.
        await page.keyboard.press('Control+B');
        await page.waitForTimeout(500);

        // The second mention of the surname: the one whose hover links back to the full name.
        const spans = page.locator('.monaco-editor .view-line span span', { hasText: NAME });
        await spans.nth(1).waitFor({ timeout: 30000 });
        const box = await spans.nth(1).boundingBox();
        await page.mouse.move(box.x + 5, box.y + box.height / 2);
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
        const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: '— ' });
        await hover.first().waitFor({ state: 'visible', timeout: 30000 });
        await page.waitForTimeout(500);
        const text = await hover.first().innerText();
        if (!text.includes(NAME)) {
            throw new Error(`the hover does not show ${NAME}: ${JSON.stringify(text)}`);
        }
        console.log(`hover text: ${JSON.stringify(text)}`);
        await page.screenshot({ path: out });
    } finally {
        await context.close();
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
