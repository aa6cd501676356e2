// The files tab: the shop bundle and the phrases sheet, out and in. An
// upload with problems saves nothing; each problem is listed with its file,
// line and field.

import { api, shopPath } from './api.js';
import { h } from './dom.js';
import { fail, toast } from './admin-common.js';

const $ = (id) => document.getElementById(id);

export async function showFiles() {
  $('bundle-download').href = shopPath('/admin/bundle');
  $('csv-download').href = shopPath('/admin/phrases.csv');
}

async function upload(input, list, path, describe) {
  list.hidden = true;
  const file = $(input).files[0];
  if (!file) return fail('请先选择文件');
  try {
    const res = await api('PUT', path, await file.text(), { raw: true });
    toast(describe(res));
    $(input).value = '';
  } catch (err) {
    if (err.status === 401) return fail(err);
    const problems = (err.data && err.data.problems) || [];
    if (!problems.length) return fail(err);
    list.replaceChildren(h('li', { class: 'summary', text: err.message }),
      ...problems.map((p) => h('li', { class: 'problem', text: p.replace(/^(shop\.json|phrases\.csv)/, file.name) })));
    list.hidden = false;
  }
}

export function initFiles() {
  $('bundle-upload').addEventListener('click', () => upload('bundle-file', $('bundle-problems'), shopPath('/admin/bundle'),
    (r) => `已替换:${r.products} 件商品、${r.rules} 条规则、${r.phrases} 条话术(知识版本 ${r.version}),客服下一轮即可看到`));
  $('csv-upload').addEventListener('click', () => upload('csv-file', $('csv-problems'),
    shopPath('/admin/phrases.csv?mode=' + $('csv-mode').value), (r) => `已导入,店铺现有 ${r.phrases} 条话术`));
}
