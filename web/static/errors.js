// Errors as a person reads them: in Chinese, saying what to do next. The
// server's reason is kept when it is already Chinese; an English one (from an
// integration-facing check) is put behind a Chinese explanation.

const CJK = /[\u3400-\u9fff]/;

const BY_STATUS = {
  0: '连不上服务器:请检查网络,或请管理员确认服务在运行,然后重试',
  401: '登录已过期:请重新登录',
  403: '你在这个店铺没有做这件事的权限:如需开通,请联系店铺管理员',
  404: '没有找到要的内容:它可能已被删除,请刷新页面',
  409: '内容刚被别人改过:请刷新页面后再试',
  413: '内容太长:请删短一些再试',
  429: '操作太频繁:请稍等一会儿再试',
};

// humanError says what went wrong while doing (e.g. '发送') and what to do.
export function humanError(err, doing) {
  const status = err && typeof err.status === 'number' ? err.status : 0;
  const reason = (err && (err.reason || err.message)) || '';
  let text;
  if (reason && CJK.test(reason) && status !== 401 && status !== 403) {
    text = /[。!?]$/.test(reason) || /请/.test(reason) ? reason : `${reason},请修改后再试`;
  } else if (BY_STATUS[status]) {
    text = BY_STATUS[status];
  } else if (status >= 500) {
    text = '服务器出错了:请稍后重试,一直出错请联系管理员';
  } else if (status === 400) {
    text = `内容不符合要求(${reason}):请修改后再试`;
  } else {
    text = `出错了(${reason || status}):请刷新页面后重试`;
  }
  return doing ? `${doing}失败:${text}` : text;
}
