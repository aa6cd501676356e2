# Writes ../real.tsv: every line of the shared real buyer messages with its
# label. The labels are by hand, by line number; lines not listed are none.
# Usage: python3 real.py [path to real-buyer-messages.txt]
import os, sys
here = os.path.dirname(os.path.abspath(__file__))
src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, *(['..'] * 5), 'shared', 'eval', 'real-buyer-messages.txt')
labels = {
 'upsell.bargain': [567,533,3,20,21,56,62,79,80,97,101,102,113,151,152,157,179,184,220,221,226,241,247,248,249,287,312,332,371,372,373,374,389,442,454,455,468,516,525,526,543,562,569,578,584,591,604,611,657,658,669],
 'upsell.gift': [631,32,63,94,95,143,144,165,166,177,183,217,219,244,251,278,303,318,328,428,456,457,458,462,465,522,523,527,563,666],
 'upsell.free_shipping': [597,36,54,74,82,196,300,301,320,415,417,433,434,473,491,512,573,608,615],
 'upsell.quantity': [661,4,7,91,92,93,106,108,146,197,224,225,229,370,574,575,654,660],
 'upsell.buy_intent': [386,387,182,444,33,34,51,64,73,90,136,147,150,202,250,256,286,333,353,355,377,419,464,470,544,549,552,586,609,625,626,634,670],
 'evidence.missing': [207,208,212,304,308,637],
 'evidence.damaged': [587,589],
 'evidence.not_received': [447,448],
 'evidence.quality': [334,335,336,337,338,340,392,393,421,422,424,426,427],
 'evidence.intervention': [168,536],
}
by = {}
for c, ns in labels.items():
    for n in ns:
        assert n not in by, n
        by[n] = c
lines = open(src, encoding='utf-8').read().split('\n')
out = ['# Real buyer lines from other shops (../shared/eval/real-buyer-messages.txt), labelled by hand.',
       '# role\tcategory\ttrade\tsource\ttext']
for i, l in enumerate(lines, 1):
    l = l.strip()
    if not l:
        continue
    out.append('\t'.join(['buyer', by.get(i, 'none'), 'real', 'real-buyer-messages:%d' % i, l]))
open(os.path.join(here, '..', 'real.tsv'), 'w', encoding='utf-8').write('\n'.join(out) + '\n')
print(len(out) - 2, len(by))
