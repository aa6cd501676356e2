# Writes ../agent.tsv: agent lines (early admissions, absolute wording, ordinary replies). Seeded.
import os, random
here = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(9)
ADM = ['实在抱歉,是我们仓库发错了','这是我们的问题,马上给您补发','是我们打包的时候疏忽了','不好意思,是我们漏发了',
 '确实是我们的责任,给您全额退款','怪我们没检查好','是我们这边搞错了,我马上处理','我们的失误,给您少发了一{unit}',
 '抱歉是我们发货的时候弄错了颜色','都是我们的错,您别生气','质量问题是我们的,给您赔偿','是厂家的问题,我们负全责',
 '肯定是我们仓库的问题','我们工作失误给您发错了','是我们快递没选好才压坏的,责任在我们']
WORD = ['这款是全网最好的{item}','绝对不会掉色','我们家{item}销量第一','百分之百纯天然','用了永不过时','这是最安全的{item}',
 '顶级品质,放心买','全网最低价了亲','这个是国家级的工艺','效果最好的就是这款','无副作用,随便用','史上最划算的一次活动']
NONE = ['亲,麻烦拍一下照片给我们看看','我们核实后给您处理','亲,这款是{spec}的','今天下午四点前付款当天发','您好,在的,请问有什么可以帮您',
 '麻烦提供一下开箱视频哦','亲,这边帮您查一下物流','好的,给您备注了','我们会尽快处理的','您看下这款{item},和您要的一样吗',
 '亲,两件一起拍有满减哦','这款搭配{item}一起更划算','亲,包邮的哦','赠品是随机的哦','我们先核实一下是不是仓库的问题',
 '如果是我们的问题,一定给您处理','请您先别着急,我们一起看看','有问题随时联系我们','亲,最好先拍照留个证据',
 '这个颜色是我们卖得比较好的','感谢您的支持,欢迎再来','亲,退货地址发您了','七天无理由的,您放心','质检过才发货的哦',
 '收到有任何问题随时找我','您说的情况我已经记下了','亲,这个需要您提供订单号','好的,马上给您改价','亲,优惠券在店铺首页领']
ITEMS = ['面霜','充电器','卫衣','坚果','猫粮','积木','沙发','项链','奶瓶','机油','保温杯','绘本']
UNITS = ['件','个','盒','包']
SPECS = ['纯棉','加厚','大号','原味','不锈钢']
rows = []
seen = set()
for cat, tpls, q in [('admission.early', ADM, 90), ('wording.absolute', WORD, 80), ('none', NONE, 200)]:
    got = tries = 0
    while got < q and tries < q * 8:
        tries += 1
        s = rng.choice(tpls).format(item=rng.choice(ITEMS), unit=rng.choice(UNITS), spec=rng.choice(SPECS))
        s = rng.choice(['', '', '亲,', '您好,', '非常抱歉,' if cat != 'wording.absolute' else '亲亲,']) + s + rng.choice(['', '', '~', '哦', '。'])
        if s in seen: continue
        seen.add(s); got += 1
        rows.append(('agent', cat, 'mixed', 'team-written', s))
out = ['# Agent lines the team wrote: early admissions of fault, absolute wording the Advertising Law forbids, and',
       '# ordinary replies (including hedged ones: 核实后, 如果是我们的问题).', '# role\tcategory\ttrade\tsource\ttext']
out += ['\t'.join(r) for r in rows]
open(os.path.join(here, '..', 'agent.tsv'), 'w', encoding='utf-8').write('\n'.join(out) + '\n')
print(len(rows))
