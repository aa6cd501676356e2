package assistant

import (
	"slices"
	"testing"

	"assist/kb"
	"assist/kb/fold"
)

func TestMentionedFindsTheMostSpecificName(t *testing.T) {
	shop := &kb.Shop{Name: "test", Timezone: "Asia/Shanghai", ShipWithinHours: 48, Products: []kb.Product{
		{ID: "dress", Title: "纯棉连衣裙", Aliases: []string{"连衣裙", "裙子"}},
		{ID: "floral", Title: "碎花雪纺连衣裙", Aliases: []string{"碎花连衣裙", "碎花裙"}},
		{ID: "belt", Title: "编织腰带", Aliases: []string{"腰带"}},
	}}
	k, err := newKnowledge(shop, nil, DefaultTerms())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"碎花连衣裙还有吗", []string{"floral"}},
		{"想问一下碎花的连衣裙", []string{"floral"}}, // 的 between modifier and noun
		{"連衣裙是純棉的嗎", []string{"dress"}},
		{"碎花裙配腰带好看吗", []string{"floral", "belt"}},
		{"有没有别的款式", nil},
	} {
		if got := k.mentioned(fold.String(tc.text)); !slices.Equal(got, tc.want) {
			t.Errorf("mentioned(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
