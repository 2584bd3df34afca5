// The browser journey (issue #13), through the UI only, in Debian's chromium
// driven by playwright-core (no browser download). Started by
// scripts/browser-test, which builds the test-clock binary, seeds a demo
// database, serves it and passes:
//   BASE_URL     the portal
//   LOGINS       the file seed-demo printed (e-mail and password per role)
//   CHROMIUM     the browser executable
//   SCREENSHOTS  where the screenshots go (target/browser-screenshots)
//
// Every page visited is checked at 1280 px and at 375 px: axe-core (WCAG 2.0
// A/AA and 2.1 A/AA rules) must find no serious or critical violation, and at
// 375 px the page itself must not scroll sideways (scrollable .table-wrap
// regions are fine). A screenshot of each width is saved.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const SHOTS = process.env.SCREENSHOTS ?? path.resolve('target/browser-screenshots');
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const NEW_STAFF = { first: 'Deniz', last: 'Arslan', email: 'deniz.arslan@demo.mobilimza.test' };
const STAFF_PASSWORD = 'Tarayici-Testi-2026!';

/** role e-mail local part → [e-mail, password], from seed-demo's output. */
function readLogins(file) {
  const text = fs.readFileSync(file, 'utf8');
  const out = {};
  for (const m of text.matchAll(/^\s+.+?\s+((\S+)@\S+)\s+(\S+)\s*$/gm)) {
    out[m[2]] = [m[1], m[3]];
  }
  return out;
}

/** A valid T.C. kimlik no (checksums) from nine digits. */
function tckn(nine) {
  const d = [...nine].map(Number);
  const odd = d[0] + d[2] + d[4] + d[6] + d[8];
  const even = d[1] + d[3] + d[5] + d[7];
  d.push((((odd * 7 - even) % 10) + 10) % 10);
  d.push(d.reduce((a, b) => a + b, 0) % 10);
  return d.join('');
}

const checked = []; // { name, url, title }
const problems = [];
let axeRuns = 0;
let axeRules = 0; // rules that applied, summed over the runs (axe did run)
fs.mkdirSync(SHOTS, { recursive: true });
for (const f of fs.readdirSync(SHOTS)) if (f.endsWith('.png')) fs.rmSync(path.join(SHOTS, f));

async function axeViolations(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    const serious = r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
      }));
    return { serious, rules: r.passes.length + r.violations.length };
  }, AXE_TAGS);
}

/** Elements reaching past the right edge, outside scrollable table regions. */
async function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const scroll = document.documentElement.scrollWidth;
    if (scroll <= width) return null;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => !el.closest('.table-wrap') && el.getBoundingClientRect().right > width + 1)
      .slice(0, 8)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).replace(/\s+/g, '.') : ''} (right ${Math.round(el.getBoundingClientRect().right)})`);
    return { scroll, width, wide };
  });
}

/** Checks the page as it is now, at both widths, and saves the screenshots. */
async function check(page, name) {
  const title = await page.title();
  const url = page.url().replace(BASE, '');
  const n = String(checked.length + 1).padStart(2, '0');
  for (const [label, size] of [['1280', WIDE], ['375', PHONE]]) {
    await page.setViewportSize(size);
    const axe = await axeViolations(page);
    axeRuns += 1;
    axeRules += axe.rules;
    for (const v of axe.serious) {
      problems.push(`${name} (${url}) at ${label} px: axe ${v.impact} ${v.id}: ${v.help}\n      ${v.nodes.join('\n      ')}`);
    }
    if (size === PHONE) {
      const o = await overflow(page);
      if (o) problems.push(`${name} (${url}) at 375 px: page is ${o.scroll} px wide (viewport ${o.width})\n      ${o.wide.join('\n      ')}`);
    }
    await page.screenshot({ path: path.join(SHOTS, `${n}-${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(WIDE);
  checked.push({ name, url, title });
  console.log(`  checked ${n} ${name}: ${url} — ${title}`);
}

async function expectText(page, text) {
  const loc = page.getByText(text).first();
  await loc.waitFor({ state: 'visible', timeout: 5000 }).catch(() => {
    throw new Error(`"${text}" not on ${page.url()} (${page.url()})`);
  });
}

async function login(browser, email, password, name) {
  const context = await browser.newContext({ viewport: WIDE, locale: 'tr-TR', acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${BASE}/giris`);
  if (name === 'admin') await check(page, 'giris');
  await page.getByLabel('Kurumsal e-posta adresi').fill(email);
  await page.getByLabel('Parola', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Giriş yap' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/giris'));
  return page;
}

async function main() {
  const logins = readLogins(process.env.LOGINS);
  for (const role of ['yonetici', 'sorumlu', 'sef', 'mali']) {
    if (!logins[role]) throw new Error(`no ${role} login in ${process.env.LOGINS}`);
  }
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
  try {
    await journey(browser, logins);
  } finally {
    await browser.close();
  }
}

async function journey(browser, logins) {
  // The staff member's account, made by the admin (the officer's staff
  // record is matched to it by e-mail).
  console.log('Yönetici: personel hesabı');
  const admin = await login(browser, ...logins.yonetici, 'admin');
  await check(admin, 'yonetici-ana-sayfa');
  await admin.goto(`${BASE}/yonetim/kullanicilar/yeni`);
  await check(admin, 'yeni-kullanici');
  await admin.getByLabel('Ad soyad').fill(`${NEW_STAFF.first} ${NEW_STAFF.last}`);
  await admin.getByLabel('Kurumsal e-posta').fill(NEW_STAFF.email);
  await admin.getByLabel('İlk parola').fill(STAFF_PASSWORD);
  await admin.getByRole('checkbox', { name: 'Personel', exact: true }).check();
  await admin.getByRole('button', { name: 'Kaydet' }).click();
  await expectText(admin, NEW_STAFF.email);
  await check(admin, 'kullanicilar');
  // The e-İmza Şefliği's contact details for the information pages.
  await admin.goto(`${BASE}/yonetim/ayarlar`);
  await admin.getByLabel('Telefon').fill('+90 312 555 01 01 dahili 2345');
  await admin.getByLabel('KEP adresi').fill('kurum@hs01.kep.tr');
  await admin.getByLabel('Posta adresi').fill('Atatürk Bulvarı No: 1, Çankaya/Ankara');
  await admin.getByRole('button', { name: 'İletişim bilgilerini kaydet' }).click();
  await expectText(admin, 'İletişim bilgileri kaydedildi.');
  await check(admin, 'ayarlar');

  console.log('Proje Sorumlusu: personel ekler, talep açar ve gönderir');
  const officer = await login(browser, ...logins.sorumlu, 'officer');
  await check(officer, 'sorumlu-ana-sayfa');
  await officer.goto(`${BASE}/personel/yeni`);
  await check(officer, 'yeni-personel');
  await officer.getByLabel('T.C. kimlik no').fill(tckn('123456789'));
  await officer.getByLabel('Ad', { exact: true }).fill(NEW_STAFF.first);
  await officer.getByLabel('Soyad').fill(NEW_STAFF.last);
  await officer.getByLabel('Sicil no').fill('40999');
  await officer.getByLabel('Unvan').fill('Şef');
  await officer.getByLabel('Kurumsal e-posta').fill(NEW_STAFF.email);
  await officer.getByLabel('Cep telefonu').fill('0532 555 12 34');
  await officer.getByLabel('Operatör').selectOption({ label: 'Turkcell' });
  await officer.getByRole('button', { name: 'Kaydet' }).click();
  await officer.goto(`${BASE}/personel`);
  await check(officer, 'personel-listesi');
  await officer.getByRole('checkbox', { name: `${NEW_STAFF.first} ${NEW_STAFF.last} seç` }).check();
  await officer.getByRole('button', { name: 'Seçilenler için talep aç' }).click();
  await officer.waitForURL(/\/talepler\/yeni/);
  await check(officer, 'yeni-talep');
  await officer.getByRole('checkbox', { name: /KVKK aydınlatma metnini okudu/ }).check();
  await officer.getByRole('button', { name: 'Talebi gönder' }).click();
  await officer.waitForURL((u) => !u.pathname.startsWith('/talepler/yeni'));
  await check(officer, 'talep-gonderildi');
  await officer.goto(`${BASE}/talepler`);
  await check(officer, 'taleplerim');
  const row = officer.getByRole('row', { name: new RegExp(`${NEW_STAFF.first} ${NEW_STAFF.last}`) });
  const id = (await row.getByRole('link').first().innerText()).replace('#', '').trim();
  console.log(`  talep #${id}`);

  console.log('e-İmza Şefliği: onaylar, partiyle iletir, Kamu SM adımları ve SMS');
  const reviewer = await login(browser, ...logins.sef, 'reviewer');
  await check(reviewer, 'sef-ana-sayfa');
  await reviewer.goto(`${BASE}/inceleme?sekme=submitted`);
  await check(reviewer, 'inceleme-bekleyen');
  await reviewer.getByRole('checkbox', { name: `Talep #${id} seç` }).check();
  await reviewer.getByRole('button', { name: 'Onayla' }).click();
  await reviewer.goto(`${BASE}/inceleme?sekme=approved`);
  await check(reviewer, 'inceleme-onaylanan');
  await reviewer.getByRole('checkbox', { name: `Talep #${id} seç` }).check();
  await reviewer.getByRole('button', { name: "Parti oluştur ve Kamu SM'ye ilet" }).click();
  await reviewer.waitForLoadState();
  await check(reviewer, 'parti-olusturuldu');
  await reviewer.goto(`${BASE}/inceleme/partiler`);
  await check(reviewer, 'partiler');
  await reviewer.goto(`${BASE}/talep/${id}`);
  await check(reviewer, 'talep-kamu-sm');
  for (const step of ["Form Kamu SM'ce e-postalandı", 'Form e-İmza ile imzalandı']) {
    await reviewer.getByRole('button', { name: step, exact: true }).click();
    await reviewer.waitForLoadState();
  }
  await expectText(reviewer, 'operatör evrakını');
  await check(reviewer, 'talep-evrak-bekleniyor');

  console.log('Proje Sorumlusu: operatör evrakını üst yazıyla gönderir');
  await officer.goto(`${BASE}/talepler?sekme=forwarded`);
  await check(officer, 'taleplerim-kamu-sm');
  await officer.getByRole('checkbox', { name: `Talep #${id} seç` }).check();
  await officer.getByRole('button', { name: 'Üst yazı hazırla' }).click();
  await officer.waitForURL(/\/talepler\/ust-yazi\/yeni/);
  await check(officer, 'ust-yazi-formu');
  await officer.getByRole('button', { name: 'Üst yazıyı oluştur ve evrakı kaydet' }).click();
  await officer.waitForURL(/\/talepler\/ust-yazi\/\d+$/);
  await expectText(officer, 'e-İmza Şefliğine');
  await check(officer, 'ust-yazi');
  await officer.goto(`${BASE}/talep/${id}`);
  await expectText(officer, 'Üst yazı/posta');
  await check(officer, 'talep-evrak-gonderildi');

  console.log('e-İmza Şefliği: evrak alındı, SMS');
  await reviewer.goto(`${BASE}/talep/${id}`);
  await reviewer.getByRole('button', { name: /alındı/ }).first().click();
  await reviewer.waitForLoadState();
  await check(reviewer, 'talep-evrak');
  await reviewer.getByRole('button', { name: /SMS'i kaydet/ }).click();
  await expectText(reviewer, 'SMS beklemesinde');
  await check(reviewer, 'talep-sms-beklemesi');

  console.log('Personel: bekleme süresini görür');
  const staff = await login(browser, NEW_STAFF.email, STAFF_PASSWORD, 'staff');
  await staff.goto(`${BASE}/bilgilerim`);
  await expectText(staff, 'SMS beklemesinde');
  await check(staff, 'bilgilerim-bekleme');

  console.log('Test saati 6 saat 1 dakika ileri; Şeflik üretildi ve etkin işaretler');
  const token = await reviewer.locator('input[name="csrf_token"]').first().inputValue();
  const moved = await reviewer.request.post(`${BASE}/test/saat`, {
    form: { saniye: String(6 * 3600 + 60) },
    headers: { 'x-csrf-token': token },
  });
  if (!moved.ok()) throw new Error(`POST /test/saat: ${moved.status()}`);
  console.log(`  sunucu saati: ${await moved.text()}`);
  await reviewer.goto(`${BASE}/talep/${id}`);
  await reviewer.getByLabel('Sertifika seri numarası').fill('MI-2026-000042');
  await reviewer.getByRole('button', { name: 'Üretildi olarak işaretle' }).click();
  await expectText(reviewer, 'Üretildi');
  await check(reviewer, 'talep-uretildi');
  await reviewer.getByRole('button', { name: /Etkinleştirildi/ }).first().click();
  await expectText(reviewer, 'Etkin');
  await check(reviewer, 'talep-etkin');

  console.log('Personel: operatör değiştirir, imzanın geçersiz olduğunu görür');
  await staff.goto(`${BASE}/bilgilerim`);
  await check(staff, 'bilgilerim-etkin');
  await staff.getByRole('link', { name: 'Mobil imza bilgilendirmesi' }).click();
  await expectText(staff, 'kurum@hs01.kep.tr');
  await check(staff, 'bilgilendirme-personel');
  await staff.goto(`${BASE}/bilgilerim/iletisim`);
  await check(staff, 'iletisim-formu');
  await staff.getByRole('combobox', { name: 'Operatör' }).selectOption({ label: 'Vodafone' });
  await staff.getByRole('checkbox', { name: /Numara taşıma/ }).check();
  await staff.getByRole('button', { name: 'Kaydet' }).click();
  await staff.waitForLoadState();
  await check(staff, 'iletisim-onay');
  await staff.getByRole('button', { name: 'Onaylıyorum, kaydet' }).click();
  await staff.waitForLoadState();
  await staff.goto(`${BASE}/bilgilerim`);
  await expectText(staff, /geçersiz/i);
  await check(staff, 'bilgilerim-gecersiz');

  console.log('Mali İşler: ücret raporunu indirir');
  const finance = await login(browser, ...logins.mali, 'finance');
  await finance.goto(`${BASE}/mali`);
  await check(finance, 'mali-ucretler');
  const [download] = await Promise.all([
    finance.waitForEvent('download'),
    finance.getByRole('link', { name: /CSV/ }).first().click(),
  ]);
  const file = path.join(SHOTS, download.suggestedFilename());
  await download.saveAs(file);
  const csv = fs.readFileSync(file, 'utf8');
  if (!csv.includes(NEW_STAFF.last)) throw new Error(`the fee report ${file} does not name ${NEW_STAFF.last}`);
  console.log(`  indirildi: ${download.suggestedFilename()} (${csv.split('\n').length - 1} satır)`);
  await finance.goto(`${BASE}/mali/aylik`);
  await check(finance, 'mali-aylik');
  await finance.goto(`${BASE}/mali/grafikler`);
  await check(finance, 'mali-grafikler');
}

const started = Date.now();
let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  console.error(`\nJOURNEY FAILED: ${e.stack ?? e}`);
}
console.log(`\nPages checked (axe at 1280 and 375 px, overflow at 375 px): ${checked.length}`);
for (const c of checked) console.log(`  ${c.name.padEnd(24)} ${c.url}  — ${c.title}`);
if (problems.length) {
  console.error(`\n${problems.length} problem(s):`);
  for (const p of problems) console.error(`  - ${p}`);
} else {
  console.log(`\naxe-core: ${axeRuns} runs, ${axeRules} rule checks applied.`);
  console.log('0 violations (serious/critical), 0 pages wider than 375 px.');
}
console.log(`Screenshots: ${SHOTS} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(failed || problems.length ? 1 : 0);
