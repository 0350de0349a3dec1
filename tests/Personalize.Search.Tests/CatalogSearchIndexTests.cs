using System.ComponentModel.DataAnnotations;
using Personalize.Core.Data;

namespace Personalize.Search.Tests;

public sealed class CatalogSearchIndexTests : IClassFixture<SampleShop>
{
    private readonly SampleShop _shop;

    public CatalogSearchIndexTests(SampleShop shop) => _shop = shop;

    private static ItemCatalog Catalog(TempDirectory temp, string csv) => ItemCatalog.ReadCsv(temp.Write("items.csv", csv));

    /// <summary>The ids an index finds for a query, in id order.</summary>
    private static string[] Found(CatalogSearchIndex index, string query) => [.. index.Match(query).Candidates.Select(c => c.ItemId).Order()];

    [Fact]
    public void Every_word_must_match_and_every_item_with_both_words_is_found()
    {
        TextMatch match = _shop.Index.Match("pour-over kettle ");

        List<int> expected = [.. Enumerable.Range(0, _shop.Catalog.Count).Where(i => _shop.Text(i).Contains("pour-over", StringComparison.Ordinal)
            && _shop.Text(i).Contains("kettle", StringComparison.Ordinal))];
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(), match.Candidates.Select(c => _shop.Catalog.GetIndex(c.ItemId)).Order());
        Assert.False(match.Fuzzy);
    }

    [Theory]
    [InlineData("kettles")]          // plural → stem
    [InlineData("KETTLE")]           // case
    [InlineData("kéttlé")]           // accents
    [InlineData("kett")]             // prefix of the word being typed
    [InlineData("kettel ")]          // a typo, when exact words find too little
    public void Word_forms_case_accents_prefixes_and_typos_find_the_kettles(string query)
    {
        TextMatch match = _shop.Index.Match(query);

        Assert.NotEmpty(match.Candidates);
        Assert.All(match.Candidates.Take(10), c => Assert.Contains("kettle", _shop.Title(c.ItemId), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_prefix_applies_only_to_the_word_being_typed()
    {
        TextMatch typing = _shop.Index.Match("kett");
        TextMatch finished = _shop.Index.Match("kett ");

        Assert.NotEmpty(typing.Candidates);
        Assert.All(typing.Candidates, c => Assert.Contains(" kett", " " + _shop.Text(_shop.Catalog.GetIndex(c.ItemId)), StringComparison.Ordinal));
        Assert.DoesNotContain(finished.Candidates, c => typing.Candidates.Take(5).Contains(c) && !finished.Fuzzy);
    }

    [Fact]
    public void Accents_match_whether_written_precomposed_or_as_combining_marks_and_the_dotted_capital_I_folds_like_any_capital()
    {
        using var temp = new TempDirectory();
        string nfd = "Cafe\u0301 Table";   // é as e + U+0301
        using CatalogSearchIndex index = CatalogSearchIndex.Build(Catalog(temp,
            $"item_id,title\nA,{nfd}\nB,\u00C7ay Glass\nC,\u0130stanbul Tea Set\nD,\uFF37ide Mug\n"));

        foreach (string query in new[] { "café table", "cafe\u0301 table", "cafe table", "CAFÉ" })
        {
            Assert.Equal(["A"], index.Match(query).Candidates.Select(c => c.ItemId));
        }

        Assert.Equal(["B"], index.Match("cay").Candidates.Select(c => c.ItemId));
        Assert.Equal(["B"], index.Match("\u00E7ay").Candidates.Select(c => c.ItemId));
        Assert.Equal(["C"], index.Match("istanbul").Candidates.Select(c => c.ItemId));
        Assert.Equal(["C"], index.Match("ISTANBUL").Candidates.Select(c => c.ItemId));
        Assert.Equal(["C"], index.Match("\u0130stanbul").Candidates.Select(c => c.ItemId));
        Assert.Equal(["D"], index.Match("wide").Candidates.Select(c => c.ItemId));   // a full-width W

        // Still typing: a word that ends in a combining mark is a prefix as its precomposed form is ("Cafe\u0301" missed "Cafetière").
        using CatalogSearchIndex typing = CatalogSearchIndex.Build(Catalog(temp, "item_id,title\nA,Caf\u00E9 Table\nB,Caf\u00E9ti\u00E8re\nC,Na\u00EFve Mug\n"));
        Assert.Equal(typing.Match("caf\u00E9").Candidates.Select(c => c.ItemId).Order(), typing.Match("cafe\u0301").Candidates.Select(c => c.ItemId).Order());
        Assert.Contains("B", typing.Match("cafe\u0301").Candidates.Select(c => c.ItemId));
        Assert.Equal(["C"], typing.Match("nai\u0308").Candidates.Select(c => c.ItemId));
    }

    [Fact]
    public void A_number_and_its_unit_match_whether_written_together_or_apart()
    {
        using var temp = new TempDirectory();
        using CatalogSearchIndex index = CatalogSearchIndex.Build(Catalog(temp,
            "item_id,title\nA,Glass Bottle 500ml\nB,Steel Bottle 500 ml\nC,USB-C Cable 2m\nD,USB-C Cable 2 m braided\nE,HDMI Cable 1.5m\nF,XR500 Router\nG,Bottle 750ml\n"));

        Assert.Equal(["A", "B"], Found(index, "500ml bottle"));
        Assert.Equal(["A", "B"], Found(index, "500 ml bottle"));
        Assert.Equal(["C", "D"], Found(index, "2m cable"));
        Assert.Equal(["C", "D"], Found(index, "2 m cable"));
        Assert.Equal(["E"], Found(index, "1.5 m cable"));
        Assert.Equal(["E"], Found(index, "1.5m"));
        Assert.Equal(["F"], Found(index, "xr500"));
        Assert.Equal(["F"], Found(index, "xr 500 router"));
        Assert.DoesNotContain("G", Found(index, "500ml"));
    }

    [Fact]
    public void A_colon_separates_words_in_queries_and_in_the_catalogue()
    {
        using var temp = new TempDirectory();
        using CatalogSearchIndex index = CatalogSearchIndex.Build(Catalog(temp,
            "item_id,title\nA,Coffee Kettle\nB,Series:Kettle Classic\nC,Coffee Mug\n"));

        Assert.Equal(["A"], Found(index, "coffee:kettle"));
        Assert.Equal(Found(index, "coffee kettle "), Found(index, "coffee:kettle "));
        Assert.Equal(["B"], Found(index, "series classic"));
        Assert.Equal(["A", "B"], Found(index, "kettle "));
    }

    [Theory]
    [InlineData("coffee:kettle", "coffee kettle")]
    [InlineData("a:b:c", "a b c")]
    [InlineData("xr500:pro", "xr 500 pro")]
    [InlineData("500ml", "500 ml")]
    [InlineData("kettle", "kettle")]
    public void The_analyzer_cuts_words_at_colons_and_where_letters_meet_digits(string text, string words)
    {
        using var analyzer = new SearchAnalyzer();

        Assert.Equal(words.Split(' '), analyzer.Words(SearchAnalyzer.RawPrefix + "title", text));
    }

    [Fact]
    public void A_word_written_as_one_or_as_two_finds_both_forms()
    {
        using var temp = new TempDirectory();
        using CatalogSearchIndex index = CatalogSearchIndex.Build(Catalog(temp,
            "item_id,title\nA,Wi-Fi Smart Plug\nB,WiFi Extender\nC,Pour Over Coffee Kettle\nD,Pourover Dripper\nE,Pour-over Stand\n"
            + "F,Smart Plug\nG,Coffee Pour Jug\nH,Kettle Stand\n"));

        Assert.Equal(["A", "B"], Found(index, "wifi "));
        Assert.Equal(["A", "B"], Found(index, "wi-fi "));
        Assert.Equal(["A", "B"], Found(index, "Wi Fi"));
        Assert.Equal(["C", "D", "E"], Found(index, "pourover "));
        Assert.Equal(["C", "D", "E"], Found(index, "pour over "));
        Assert.Equal(["C", "D", "E"], Found(index, "pour over"));    // the second word still being typed
        Assert.Equal(["C"], Found(index, "pour over kettle "));
        Assert.Equal(["E"], Found(index, "stand pourover "));
        Assert.Equal(["A", "F"], Found(index, "smartplug "));
        Assert.Equal(["C", "E", "G"], Found(index, "pour "));        // a word alone finds only itself, not the joined ones
        Assert.Equal(["E", "H"], Found(index, "stand "));
        Assert.False(index.Match("pourover ").Fuzzy);
    }

    [Fact]
    public void A_word_is_split_only_into_two_neighbouring_words_of_one_field_that_are_not_stop_words()
    {
        using var temp = new TempDirectory();
        using CatalogSearchIndex index = CatalogSearchIndex.Build(Catalog(temp,
            "item_id,title,brand\nA,Reading Lamp,Shade Co\nB,Lamp Shade,Lumo\nC,Step Into Style,Lumo\nD,Plug In To Wall,Volt\nE,Running Shoes,Stride\n"
            + "F,Socks Size S,Stride\nG,USB-C Cable,Volt\nH,Plain T-Shirt,Lumo\n"));

        Assert.Equal(["B"], Found(index, "lampshade "));   // not A: "lamp" ends its title and "shade" starts its brand
        Assert.Equal(["C"], Found(index, "into "));        // not D's "in to"
        Assert.Equal(["G"], Found(index, "usbc "));
        Assert.Equal(["H"], Found(index, "tshirt "));
        TextMatch typo = index.Match("shoess ");    // a typo: no item has "shoes s", so typo tolerance still runs
        Assert.True(typo.Fuzzy);
        Assert.Equal(["E"], typo.Candidates.Select(c => c.ItemId));
    }

    [Fact]
    public void The_form_written_as_the_query_writes_it_ranks_first()
    {
        using var temp = new TempDirectory();
        using CatalogSearchIndex index = CatalogSearchIndex.Build(Catalog(temp, "item_id,title\nA,Wi-Fi Plug\nB,WiFi Plug\n"));

        Assert.Equal(["B", "A"], index.Match("wifi plug ").Candidates.Select(c => c.ItemId));
        Assert.Equal(["A", "B"], index.Match("wi fi plug ").Candidates.Select(c => c.ItemId));
    }

    [Fact]
    public void A_stop_word_being_typed_ranks_the_words_it_starts_first_but_leaves_none_out()
    {
        using var temp = new TempDirectory();
        using CatalogSearchIndex index = CatalogSearchIndex.Build(Catalog(temp,
            "item_id,title\nA,Steel Kettle\nB,Kettle Fork Hook\nC,Fork Set\nD,Tea Cup\n"));

        TextMatch typing = index.Match("kettle for");

        Assert.Equal(["B", "A"], typing.Candidates.Select(c => c.ItemId));   // every kettle, the one with "fork" first
        Assert.Equal(["B", "C"], index.Match("for").Candidates.Select(c => c.ItemId).Order());
        Assert.Equal(["A", "B"], index.Match("the kettle for ").Candidates.Select(c => c.ItemId).Order());
    }

    [Fact]
    public void Query_syntax_characters_are_plain_separators()
    {
        TextMatch plain = _shop.Index.Match("lumo kettle ");
        TextMatch syntax = _shop.Index.Match("+lumo -\"kettle\"* (~^) [] {} ! \\ || && ");

        Assert.NotEmpty(plain.Candidates);
        Assert.Equal(["lumo", "kettle"], syntax.Words);
        Assert.Equal(plain.Candidates, syntax.Candidates);
    }

    [Fact]
    public void Boosts_rank_a_title_match_above_a_tag_match()
    {
        using var temp = new TempDirectory();
        ItemCatalog catalog = Catalog(temp, "item_id,title,brand,tags\nA,Plain mug,Acme,kettle|steel\nB,Steel kettle,Acme,mug\n");
        using CatalogSearchIndex index = CatalogSearchIndex.Build(catalog, new CatalogSearchOptions { Fields = [new("title", 5), new("tags", 1)] });
        using CatalogSearchIndex reversed = CatalogSearchIndex.Build(catalog, new CatalogSearchOptions { Fields = [new("title", 1), new("tags", 5)] });

        Assert.Equal(["B", "A"], index.Match("kettle").Candidates.Select(c => c.ItemId));
        Assert.Equal(["A", "B"], reversed.Match("kettle").Candidates.Select(c => c.ItemId));
    }

    [Fact]
    public void An_index_built_on_disk_opens_read_only_and_answers_like_the_in_memory_one()
    {
        using var temp = new TempDirectory();
        string path = temp.File("index");
        using (CatalogSearchIndex built = CatalogSearchIndex.Build(_shop.Catalog, path))
        {
            Assert.Equal(_shop.Catalog.Count, built.Count);
        }

        using CatalogSearchIndex opened = CatalogSearchIndex.Open(path, _shop.Catalog);

        foreach (string query in new[] { "smart ring", "dune", "cold brew blend", "earbuds wren" })
        {
            Assert.Equal(_shop.Index.Match(query).Candidates, opened.Match(query).Candidates);
        }

        Assert.Equal(_shop.Index.Fields, opened.Fields);
    }

    [Fact]
    public void An_index_opened_with_another_catalogue_says_it_does_not_match_it()
    {
        using var temp = new TempDirectory();
        string path = temp.File("index");
        const string Before = "item_id,title,brand\nX1,Electric Kettle,Acme\nX2,Garden Hose,Zen\n";
        using (CatalogSearchIndex.Build(Catalog(temp, Before), path))
        {
        }

        using CatalogSearchIndex same = CatalogSearchIndex.Open(path, Catalog(temp, Before));
        using CatalogSearchIndex retitled = CatalogSearchIndex.Open(path, Catalog(temp, "item_id,title,brand\nX1,Garden Hose,Acme\nX2,Garden Hose,Zen\n"));
        using CatalogSearchIndex added = CatalogSearchIndex.Open(path, Catalog(temp, Before + "X3,Steel Kettle,Acme\n"));
        using CatalogSearchIndex otherColumn = CatalogSearchIndex.Open(path, Catalog(temp, "item_id,title,brand,price\nX1,Electric Kettle,Acme,3\nX2,Garden Hose,Zen,4\n"));
        using CatalogSearchIndex dropped = CatalogSearchIndex.Open(path, Catalog(temp, "item_id,title\nX1,Electric Kettle\nX2,Garden Hose\n"));   // threw KeyNotFound

        Assert.False(dropped.MatchesCatalog);   // the brand it indexed is gone: rebuild
        Assert.True(same.MatchesCatalog);
        Assert.True(otherColumn.MatchesCatalog);   // only the indexed fields count
        Assert.False(retitled.MatchesCatalog);
        Assert.Equal(["X1"], retitled.Match("kettle").Candidates.Select(c => c.ItemId));   // the old text, which is why it says so
        Assert.False(added.MatchesCatalog);
        Assert.True(CatalogSearchIndex.Build(Catalog(temp, Before)).MatchesCatalog);
    }

    [Fact]
    public void Opening_a_folder_without_an_index_or_naming_a_field_it_lacks_says_what_to_do()
    {
        using var temp = new TempDirectory();
        System.IO.Directory.CreateDirectory(temp.File("empty"));
        string path = temp.File("index");
        CatalogSearchIndex.Build(_shop.Catalog, path, new CatalogSearchOptions { Fields = [new("title")] }).Dispose();

        var missing = Assert.Throws<FileNotFoundException>(() => CatalogSearchIndex.Open(temp.File("nowhere"), _shop.Catalog));
        var empty = Assert.Throws<FileNotFoundException>(() => CatalogSearchIndex.Open(temp.File("empty"), _shop.Catalog));
        var field = Assert.Throws<ArgumentException>(() => CatalogSearchIndex.Open(path, _shop.Catalog, new CatalogSearchOptions { Fields = [new("brand")] }));

        Assert.Contains("CatalogSearchIndex.Build", missing.Message, StringComparison.Ordinal);
        Assert.Contains("CatalogSearchIndex.Build", empty.Message, StringComparison.Ordinal);
        Assert.Contains("'brand' is not in the index, which has: title", field.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fields_must_be_text_attributes_of_the_catalogue()
    {
        var number = Assert.Throws<ArgumentException>(() => CatalogSearchIndex.Build(_shop.Catalog, new CatalogSearchOptions { Fields = [new("price")] }));
        var absent = Assert.Throws<ArgumentException>(() => CatalogSearchIndex.Build(_shop.Catalog, new CatalogSearchOptions { Fields = [new("colour")] }));

        Assert.Contains("'price' is a Number attribute", number.Message, StringComparison.Ordinal);
        Assert.Contains("'colour' is not an attribute of the catalogue", absent.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_have_the_documented_defaults_and_report_every_error_together()
    {
        var defaults = new CatalogSearchOptions();
        var error = Assert.Throws<ValidationException>(() => CatalogSearchIndex.Build(_shop.Catalog,
            new CatalogSearchOptions { MaxQueryTerms = 0, MaxQueryLength = 5000, Fields = [new("title", -1), new("title")] }));

        Assert.Equal((256, 10, 3, 50, 2), (defaults.MaxQueryLength, defaults.MaxQueryTerms, defaults.FuzzyBelow, defaults.MaxExpansions, defaults.MinPrefixLength));
        Assert.Null(defaults.Fields);
        Assert.Equal("CatalogSearchOptions is invalid (4 errors): MaxQueryLength = 5000: must be between 1 and 4096. MaxQueryTerms = 0: must be between 1 and 32. "
            + "Fields gives 'title' boost -1: must be positive and finite. Fields names 'title' twice.", error.Message);
        Assert.Equal(["title", "brand", "category", "tags"], _shop.Index.Fields.Select(f => f.Attribute));
    }

    [Fact]
    public void The_largest_MaxExpansions_cannot_make_a_typo_query_exceed_Lucenes_clause_limit()
    {
        // 1,100 eight-letter words two edits from 'kaaaaaaa': with MaxExpansions 1024 the typos, stems and prefix made more than
        // Lucene's 1,024 clauses, and Match threw TooManyClausesException.
        using var temp = new TempDirectory();
        var random = new Random(5);
        var words = new HashSet<string>();
        while (words.Count < 1100)
        {
            char[] word = "kaaaaaaa".ToCharArray();
            word[1 + random.Next(7)] = (char)('b' + random.Next(25));
            word[1 + random.Next(7)] = (char)('b' + random.Next(25));
            words.Add(new string(word));
        }

        ItemCatalog catalog = Catalog(temp, "item_id,title\n" + string.Concat(words.Select((w, i) => $"i{i},{w}\n")));
        using CatalogSearchIndex index = CatalogSearchIndex.Build(catalog, new CatalogSearchOptions { MaxExpansions = 1024 });

        TextMatch typed = index.Match("kaaaaaaa");
        TextMatch finished = index.Match("kaaaaaaa ");

        Assert.NotEmpty(typed.Candidates);
        Assert.NotEmpty(finished.Candidates);
    }

    [Fact]
    public void Long_queries_and_too_many_words_are_cut_and_say_so_and_a_cut_inside_a_word_drops_that_word()
    {
        var options = new CatalogSearchOptions { MaxQueryLength = 40, MaxQueryTerms = 3 };
        using CatalogSearchIndex index = CatalogSearchIndex.Build(_shop.Catalog, options);

        TextMatch manyWords = index.Match("dune smart ring black large");
        TextMatch longText = index.Match("dune " + new string('x', 100));
        TextMatch oneLongWord = index.Match(new string('x', 100));
        TextMatch cutInAWord = index.Match("dune ring dune ring dune ring dune ringing");
        TextMatch fine = index.Match("dune smart ring");
        TextMatch cutAfterHyphens = index.Match("dune-ring-dune-ring-dune-ring-dune-ringing");

        Assert.Equal(["dune", "smart", "ring"], manyWords.Words);
        TextMatch stopWords = index.Match("the dune for a smart ring");   // words not searched for do not count toward the 3
        Assert.Equal(["the", "dune", "for", "a", "smart", "ring"], stopWords.Words);
        Assert.False(stopWords.Truncated);
        Assert.True(manyWords.Truncated);
        Assert.Equal(("dune", true), (longText.Query, longText.Truncated));
        Assert.Equal((40, true), (oneLongWord.Query.Length, oneLongWord.Truncated));
        Assert.Equal(("dune ring dune ring dune ring dune", true), (cutInAWord.Query, cutInAWord.Truncated));
        Assert.False(fine.Truncated);
        Assert.Equal(("dune-ring-dune-ring-dune-ring-dune", true), (cutAfterHyphens.Query, cutAfterHyphens.Truncated));
        Assert.Equal(["dune", "ring"], cutAfterHyphens.Words.Distinct());
    }

    [Fact]
    public void A_query_without_words_matches_nothing()
    {
        Assert.Empty(_shop.Index.Match("").Candidates);
        Assert.Empty(_shop.Index.Match("  ?!* -- ").Candidates);
    }
}
