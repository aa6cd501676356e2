# Writes ../written.tsv: the team's lines for 16 trades, from the
# hand-written templates below and each trade's vocabulary (trades.py).
# Run from anywhere: python3 written.py. Seeded, so the output is stable.
import os, random, sys
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from trades import T

B = {}  # category -> templates (buyer)
B['upsell.bargain'] = [
 '{item}能便宜点吗','这{item}有点贵啊','{price}卖不卖,卖我就拍','最多能减多少','还能再少点不','别家同款{item}才{price}',
 '老顾客有没有折扣','给个实在价吧','能不能优惠个十块','有券吗','价格再美丽一点呗','能给个友情价吗','有没有满减',
 '便宜十块我马上拍','抹个零头吧,{price}整','这价格有点高啊','能打个九折不','学生党预算有限能少点吗','双十一还会降价吗',
 '现在买和大促买哪个便宜','会员有折扣吗','最低能到多少','你们家比别人贵了二十','直播间里才{price},你这怎么贵',
 '{price}包邮行不行','砍一刀呗','能不能再优惠一点点','这个价有点下不去手','最多能减多少钱啊','有没有什么活动能便宜的',
 '能改个价吗','店铺券在哪领','还有没有隐藏优惠','再减五块我就拍了','我看上个月还便宜些','{item}降价了吗',
 '老板实在点,多少能走','一口价{price}','比超市还贵','你们这价格没优势啊','有没有新人价','能给我少算点吗',
]
B['upsell.gift'] = [
 '买{item}送什么','有赠品没','能不能送个{gift}','送点小东西呗','下单送{gift}吗','之前买送了{gift},这次还有吗',
 '送个{gift}我就拍','有没有小礼品','买两{unit}有没有赠送','送不送{gift}啊','给我多放点{gift}','能多送一个{gift}吗',
 '这次有什么赠品活动','收藏店铺送东西吗','晒图有礼物吗','送我个{gift}呗,老客户了','生日月有没有小礼物',
]
B['upsell.free_shipping'] = [
 '包邮吗','{city}包邮不','运费多少','满多少包邮','偏远地区加运费吗','能不能免个运费','邮费能便宜点吗',
 '两{unit}包邮吗','怎么还要运费','运费太贵了','凑单能包邮吗','{city}运费是多少','买一{unit}也包邮吗','新疆发吗运费怎么算',
 '为什么加了{price}块运费','快递费能不能给免了','顺丰要补多少运费',
]
B['upsell.quantity'] = [
 '买{n}{unit}多少钱','拿{n}{unit}能便宜不','一次买{n}{unit}有什么价','批发价多少','公司团购{n}{unit}怎么算','多买几{unit}有优惠吗',
 '第二{unit}半价吗','给朋友一起带{n}{unit}怎么算','买{n}{unit}能优惠多少','要{n}{unit}的话单价多少','量大从优吗',
 '我要{n}{unit},给个批发价','两{unit}一起买能少点吗','多买有没有阶梯价','我们单位要{n}{unit}',
]
B['upsell.buy_intent'] = [
 '我下单','那我直接买了','我要买个{item}','就它了,马上拍','好的我去付款','帮我留一{unit},等下拍','行,给我来一{unit}',
 '已经拍下了,帮我尽快发','我买了,记得发{courier}','刚付完款','那我要两{unit}','我决定买这个{item}了','下单了,你看下',
 '我现在下单','订单提交了','好的就这{unit}吧','那我拍{spec_a}的','就要{spec_a}的,拍了','行吧,我买一{unit}试试',
 '付好了,麻烦早点发','我拍了两{unit},核对一下','哦那我直接下单','嗯,买了','我马上拍','给我来两{unit}{item}',
 '那我就要这个{item}','钱付了,发货吧','我要一{unit}{spec_a}的','好,我要了','拍下了,地址没错吧',
]
B['evidence.missing'] = [
 '{item}只收到{m}{unit},少了一{unit}','我买了{n}{unit},怎么就到了{m}{unit}','盒子里没有{part}','{part}没给我放','说好的赠品没收到',
 '送的{gift}没在包裹里','少发了一个{part}','打开包裹发现{part}没有','订单是{n}件,实际到了{m}件','你们漏了一{unit}{item}',
 '东西到了,{part}没有','满减送的{gift}呢,包裹里没有','{part}找遍了都没有','包裹里就一{unit},我拍的两{unit}',
 '说送{gift}的,结果没有','清单上的{part}没放进去','少了一{unit},你们核对下','怎么只有{m}{unit}','少件了,{part}没有',
 '赠品呢?没看到{gift}','我的{part}呢','拆开就{m}{unit},另外一{unit}呢','发货单上写着{n}{unit},实际少一{unit}',
]
B['evidence.wrong_item'] = [
 '我买的是{spec_a}的,发来的是{spec_b}','规格发错了,我拍的{spec_a}收到的{spec_b}','收到的{item}型号不对','这不是我下单的那款',
 '发来的是别的东西,我买的是{item}','颜色和订单不一样','规格不对,我要的是{spec_a}','你们是不是把我的和别人的搞混了',
 '包裹里是别人的东西','我拍的{spec_a},你们给我寄的{spec_b}','打开一看不是我买的{item}','给我发成{spec_b}了',
 '订单写的{spec_a},收到{spec_b},怎么回事','货不对,跟下单的不一样','寄来的{item}跟我选的规格不一样',
]
B['evidence.damaged'] = [
 '{item}到的时候{damage}','外箱压扁了,{item}{damage}','拆开{item}就是{damage}','物流太暴力了,{damage}','收到时{part}已经断了',
 '{item}表面有一道裂缝','快递盒是好的,里面{item}碎了','{leak}','刚拆开就发现{damage}','签收的时候没注意,回家打开{damage}',
 '东西是坏的,{damage}','你们包装太简单了,{damage}','拆快递发现{item}被压坏了','收到{item}有磕碰,{damage}',
]
B['evidence.not_received'] = [
 '显示签收了,可我根本没拿到','物流说放驿站了,驿站说没有','我没收到,订单却显示完成了','快递说送到了,家里没人收到',
 '已签收三天了,东西在哪','不是我签的,谁签收的我不知道','订单完成了但我一直没收到货','物流显示已送达,我家门口什么都没有',
 '快递柜里没有,物流却说已经签收','我没收到东西,怎么就自动确认收货了','显示妥投了,我问了物业也没有',
 '签收人不是我,东西我没见到','物流信息说签收了,我人都不在家','快递员说放门口了,根本没有',
]
B['evidence.quality'] = [
 '{item}{fault}','刚用了两天就{fault}','这{item}质量太次了,{fault}','残次品吧这是,{fault}','{fault},是不是残次品',
 '我这个有质量问题,我要换货','收到的{item}{fault},什么情况','{fault},你们卖的什么东西','第一次用就{fault}','怎么回事,{fault}',
 '用了一下{fault},太失望了','新买的{item}就{fault}','这是残次品','给我发的是次品吧','质量有问题,{fault}','你们这{item}是不是有问题,{fault}',
 '收到后发现{fault}','{item}有质量问题','这个{item}有瑕疵,{fault}',
]
B['evidence.harm'] = ['{harm}','用了你们的{item}{harm}','{item}用完{harm}','昨天收到今天就{harm}']
B['evidence.intervention'] = [
 '我要申请纠纷单','再不处理我就找平台','我已经投诉到12315了','让小二来介入吧','我去申请平台介入','不给解决我就去消协',
 '我要投诉你们','这事我要找淘宝客服','我已经申请仲裁了','不处理我就举报你们卖假货','我要开纠纷','我去找平台评评理',
 '我要发起维权','等着吧,我去市场监管局投诉','客服不管我就找平台客服',
]
B['evidence.review_extortion'] = [
 '不给我补偿就给差评','退我二十块我就给好评','不赔钱我就差评加曝光','给个红包这事就算了,不然一星',
 '返现十块我才改好评','不退一半钱就等着差评吧','给我补偿五十,我就删差评','不赔我我就到处发帖曝光你们',
 '你给我打点钱,差评我就撤了','要么赔我,要么我给差评',
]
# Hard negatives: the same words meaning something else, pre-purchase
# worries, retractions, self-caused damage, delay chasing, returns by choice.
NEG = [
 '前面发错了','不好意思,刚才发错消息了','发错了,那条不是给你的','刚才发错链接了,是这个','我打错字了','图片发错了,看这张',
 '家里水管坏了,这两天没空收快递','我手机坏了,刚换的','我的车坏了去不了驿站,能送上门吗','家里网络坏了,回复慢',
 'E卡过期了','我的优惠券是不是过期了','会员过期了还能用吗','我的驾照过期了,不是说你们',
 '会不会{fault}','这个{item}容易坏吗','质量怎么样','不会漏发吧','运输中会不会压坏','万一破了怎么办','过敏体质能用吗',
 '包装结实吗,别压坏了','如果{fault}能退吗','要是发错了怎么办','会不会少发','收到有问题能换吗',
 '刚才说少了一个,找到了,在盒子底下','没事了,不是破的,是花纹','搞错了,颜色是对的,是灯光问题','原来是我家人签收了,不好意思',
 '找到了,赠品夹在说明书里','没坏,是我没插好电源','误会了,数量是对的',
 '我自己不小心摔坏了,能修吗','孩子把{item}弄坏了,有配件卖吗','是我自己弄坏的,想买个{part}','我自己没放好,摔了',
 '怎么还没发货','物流三天没动了','什么时候到啊,急用','快递到哪了','能不能快点发','催一下物流','都五天了还没到',
 '不想要了能退吗','买多了,退一{unit}','不喜欢这个颜色,想换','七天无理由能退吗','想换个{spec_b}的','太大了想换小一号',
 '{item}有{spec_a}的吗','这个{item}多大','保质期多久','今天能发吗','发什么快递','{item}收到了,很好用','质量不错,下次还来',
 '包装很用心,没有破损','东西挺好的,谢谢','不差钱,给我发顺丰','是送人的,帮我包好看点','送到楼下就行','送货上门吗',
 '我朋友推荐来的','你好,在吗','好的,谢谢','好评已经给了','有没有{spec_b}的','能开发票吗','我再考虑考虑',
 '先不买了','我不买了,太麻烦','算了,不要了','刚刚那个订单取消吧,拍错了','地址写错了,能改吗',
 '你们发什么快递','帮我备注一下不要放快递柜','能不能发{courier}','我在{city},几天能到',
 '上次的{item}很好,这次再看看别的','这个和那个有什么区别','有实物图吗','亲,在不在',
]
# Lines that look like one category but are another.
TRICK = [
 ('evidence.missing','赠品没收到'),('evidence.missing','说好送的{gift}没给'),('evidence.missing','送的{gift}呢?包裹里没看到'),
 ('evidence.missing','买一送一只收到一个'),('evidence.missing','活动送的{gift}没放'),
 ('upsell.gift','下单送{gift}吗'),('none','{gift}是送的还是要另外买'),
 ('evidence.not_received','订单显示已完成,可我没收到'),('none','还没收到,快递到哪了'),('none','我还没收到货,收到再评价'),
 ('evidence.quality','数据线充不进去电'),('none','充电器是我自己摔坏的'),('evidence.quality','外观没问题,就是{fault}'),
]
CITY = ['新疆','西藏','北京','广州','成都','哈尔滨','海南','上海','杭州','乌鲁木齐','拉萨','内蒙古']
COURIER = ['顺丰','中通','圆通','韵达','京东','邮政']
PRICE = ['50','88','99','120','199','299','35','66']

def fill(tpl, v, rng):
    n = rng.choice([2,3,4,5,6,10])
    sa, sb = rng.choice(v['spec']) if v['spec'] else ('大号','小号')
    if rng.random() < 0.5: sa, sb = sb, sa
    d = dict(item=rng.choice(v['items']), unit=rng.choice(v['unit']), part=rng.choice(v['parts']), gift=rng.choice(v['gift']),
             fault=rng.choice(v['faults']), damage=rng.choice(v['damage']) if v['damage'] else '坏了',
             leak=rng.choice(v['leak']) if v['leak'] else rng.choice(v['damage']),
             spec_a=sa, spec_b=sb, n=str(n), m=str(n-1), price=rng.choice(PRICE), city=rng.choice(CITY), courier=rng.choice(COURIER),
             harm=rng.choice(v['harm']) if v['harm'] else '')
    # A fault or a damage that names its own item takes that item, so no
    # line puts a racket's crack on a water bottle.
    for key in ('fault', 'damage', 'leak', 'harm'):
        if '{'+key+'}' in tpl:
            named = [i for i in v['items'] if i in d[key] or i[-1:] in d[key][:3]]
            if named: d['item'] = named[0]
    return tpl.format(**d)

DECOR_PRE = ['', '', '', '', '亲,', '你好,', '老板,', '客服,', '喂,', '哎,']
DECOR_POST = ['', '', '', '', '?', '!', '。', '啊', '呀', '哦', '~', '!!']

def decorate(s, rng, cat='none'):
    s = rng.choice(DECOR_PRE) + s
    end = rng.choice(DECOR_POST)
    if cat.startswith('evidence') and end == '?':
        end = '!'
    if end and s[-1] not in '?!。~,':
        s += end
    return s

# How many lines each category gets per trade.
QUOTA = {'upsell.bargain': 14, 'upsell.gift': 8, 'upsell.free_shipping': 8, 'upsell.quantity': 9, 'upsell.buy_intent': 14,
         'evidence.missing': 12, 'evidence.wrong_item': 9, 'evidence.damaged': 10, 'evidence.not_received': 6,
         'evidence.quality': 18, 'evidence.harm': 4, 'evidence.intervention': 5, 'evidence.review_extortion': 4}
NEGQ = 70

rng = random.Random(15)
rows = []
for tname, v in T.items():
    seen = set()
    def add(cat, text, src):
        if text in seen or not text: return
        seen.add(text); rows.append(('buyer', cat, tname, src, text))
    for cat, q in QUOTA.items():
        if cat == 'evidence.harm' and not v['harm']: continue
        tpls = B[cat]
        tries = 0
        got = 0
        cores = set()
        while got < q and tries < q * 6:
            tries += 1
            core = fill(rng.choice(tpls), v, rng)
            if core in cores: continue
            cores.add(core)
            s = decorate(core, rng, cat)
            if s in seen: continue
            add(cat, s, 'team-written'); got += 1
    for cat, text in v['extra']:
        add(cat, text, 'team-written')
    for f in v['faults']:
        add('evidence.quality', f, 'team-written')
    for h in v['harm']:
        add('evidence.harm', h, 'team-written')
    got, tries = 0, 0
    cores = set()
    while got < NEGQ and tries < NEGQ * 6:
        tries += 1
        core = fill(rng.choice(NEG), v, rng)
        if core in cores: continue
        cores.add(core)
        s = decorate(core, rng)
        if s in seen: continue
        add('none', s, 'hard-negative'); got += 1
    for cat, tpl in TRICK:
        if rng.random() < 0.5:
            add(cat, decorate(fill(tpl, v, rng), rng, cat), 'hard-negative')

out = ['# Lines the team wrote for trades other than the real lines\' shop: every nudge category, with',
       '# each trade\'s own goods, parts and faults, and hard negatives (the same words meaning something else,',
       '# pre-purchase worries, retractions, self-caused damage, delay chasing, returns by choice).',
       '# Generated by gen/written.py from hand-written templates and each trade\'s vocabulary (gen/trades.py).',
       '# role\tcategory\ttrade\tsource\ttext']
for r in rows:
    out.append('\t'.join(r))
open(os.path.join(here, '..', 'written.tsv'),'w',encoding='utf-8').write('\n'.join(out)+'\n')
from collections import Counter
print(len(rows)); print(Counter(r[1] for r in rows)); print(Counter(r[2] for r in rows))
