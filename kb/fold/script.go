package fold

import (
	"strings"
	"sync"
)

// Traditional reports whether r is a traditional form with a simplified
// form of its own (書, 貨, 時); a rune both scripts share is neither.
func Traditional(r rune) bool {
	_, ok := simplified[r]
	return ok
}

// Simplified reports whether r is a simplified form that some traditional
// rune folds to and that is not itself traditional (书, 货, 时).
func Simplified(r rune) bool {
	_, ok := simplifiedForms()[r]
	return ok && !Traditional(r) && !strings.ContainsRune(shared, r)
}

// shared are simplified forms that traditional text uses as they are, for
// their own meaning (出 beside the rare 齣, 后 the queen beside 後): they tell
// nothing about a text's script.
const shared = "出后里台只干面系卷制准冲才丑范松板表谷斗云借向余征致周朴仆了合困家布曲朱沈注游凶症百秋胡蒙夸咸舍折采野喂岳姜"

var simplifiedForms = sync.OnceValue(func() map[rune]struct{} {
	m := make(map[rune]struct{}, len(simplified))
	for _, s := range simplified {
		m[s] = struct{}{}
	}
	return m
})
