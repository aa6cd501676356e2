// Chinese labels the panel shows for the engine's codes. Unknown codes fall
// back to the code itself, so a new kind is visible before it is named here.

export const KINDS = {
  upsell: { label: '推荐搭配', hint: '商机' },
  evidence: { label: '保留证据', hint: '售后' },
  shipping_promise: { label: '发货承诺风险', hint: '风险' },
  admission: { label: '过早认责', hint: '风险' },
  wording: { label: '广告法用语', hint: '风险' },
  policy: { label: '平台规则', hint: '风险' },
};

export const SCENES = {
  greeting: '问候',
  product: '商品咨询',
  upsell: '搭配套餐',
  urge_pay: '催付',
  shipping: '发货物流',
  after_sale: '售后',
  evidence: '取证',
  closing: '结束语',
};

export const ROLES = { buyer: '买家', agent: '客服' };

export const kindLabel = (kind) => (KINDS[kind] && KINDS[kind].label) || kind;
export const sceneLabel = (scene) => SCENES[scene] || scene || '';
export const roleLabel = (role) => ROLES[role] || role;

// What a person is in a shop.
export const MEMBER_ROLES = { agent: '客服', admin: '知识管理员', manager: '主管' };
export const memberRoleLabel = (role) => MEMBER_ROLES[role] || role;
