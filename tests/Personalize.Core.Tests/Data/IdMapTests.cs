using Personalize.Core.Data;

namespace Personalize.Core.Tests.Data;

/// <summary><see cref="IdMap"/>: caller ids to dense indices and back.</summary>
public sealed class IdMapTests
{
    [Fact]
    public void FromIds_gives_each_id_its_position_as_index()
    {
        IdMap map = IdMap.FromIds(["b", "a", "Zoë"]);

        Assert.Equal(3, map.Count);
        Assert.Equal(["b", "a", "Zoë"], map.Ids);
        Assert.Equal(0, map.GetIndex("b"));
        Assert.Equal(1, map.GetIndex("a"));
        Assert.Equal(2, map.GetIndex("Zoë"));
        Assert.Equal("Zoë", map.GetId(2));
    }

    [Fact]
    public void FromIds_of_nothing_is_an_empty_map()
    {
        IdMap map = IdMap.FromIds([]);

        Assert.Equal(0, map.Count);
        Assert.Empty(map.Ids);
        Assert.False(map.TryGetIndex("a", out int index));
        Assert.Equal(-1, index);
    }

    [Fact]
    public void FromIds_copies_its_input()
    {
        string[] ids = ["a", "b"];
        IdMap map = IdMap.FromIds(ids);

        ids[0] = "changed";

        Assert.Equal("a", map.GetId(0));
        Assert.Equal(0, map.GetIndex("a"));
    }

    [Fact]
    public void FromIds_rejects_a_repeated_id_naming_both_positions()
    {
        var exception = Assert.Throws<ArgumentException>(() => IdMap.FromIds(["a", "b", "a"]));

        Assert.Equal("ids", exception.ParamName);
        Assert.StartsWith("The id 'a' appears at index 0 and again at index 2; ids must be distinct.", exception.Message);
    }

    [Fact]
    public void FromIds_rejects_a_null_id()
    {
        var exception = Assert.Throws<ArgumentNullException>(() => IdMap.FromIds(["a", null!]));

        Assert.Equal("ids", exception.ParamName);
        Assert.StartsWith("The id at index 1 is null", exception.Message);
    }

    [Fact]
    public void Ids_are_compared_ordinally_so_case_and_accents_make_different_ids()
    {
        IdMap map = IdMap.FromIds(["a", "A", "é", "e\u0301"]);

        Assert.Equal([0, 1, 2, 3], new[] { "a", "A", "é", "e\u0301" }.Select(map.GetIndex));
    }

    [Fact]
    public void GetIndex_of_an_unknown_id_throws_KeyNotFoundException_naming_it()
    {
        IdMap map = IdMap.FromIds(["a", "b"]);

        var exception = Assert.Throws<KeyNotFoundException>(() => map.GetIndex("z"));

        Assert.Equal("The id 'z' is not in this map of 2 ids.", exception.Message);
    }

    [Fact]
    public void TryGetIndex_finds_known_ids_and_gives_minus_1_for_unknown_ones()
    {
        IdMap map = IdMap.FromIds(["a", "b"]);

        Assert.True(map.TryGetIndex("b", out int known));
        Assert.Equal(1, known);
        Assert.False(map.TryGetIndex("B", out int unknown));
        Assert.Equal(-1, unknown);
    }

    [Fact]
    public void TryGetIndex_of_characters_finds_the_same_index_as_of_a_string()
    {
        IdMap map = IdMap.FromIds(["user-1", "user-2", "東京"]);
        ReadOnlySpan<char> line = "user-2,東京,view";

        Assert.True(map.TryGetIndex(line[..6], out int user));
        Assert.True(map.TryGetIndex(line[7..9], out int city));
        Assert.False(map.TryGetIndex(line[..5], out int prefix));
        Assert.Equal((1, 2, -1), (user, city, prefix));
    }

    [Fact]
    public void GetIndex_and_TryGetIndex_reject_a_null_id()
    {
        IdMap map = IdMap.FromIds(["a"]);

        Assert.Throws<ArgumentNullException>(() => map.GetIndex(null!));
        Assert.Throws<ArgumentNullException>(() => map.TryGetIndex((string)null!, out _));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void GetId_outside_the_map_throws_ArgumentOutOfRangeException_with_the_valid_range(int index)
    {
        IdMap map = IdMap.FromIds(["a", "b", "c"]);

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => map.GetId(index));

        Assert.Equal("index", exception.ParamName);
        Assert.Equal(index, exception.ActualValue);
        Assert.StartsWith("The index must be between 0 and 2.", exception.Message);
    }

    [Fact]
    public void Builder_gives_a_new_id_the_next_index_and_a_known_id_its_old_one()
    {
        var builder = new IdMap.Builder();

        int[] indices = [builder.GetOrAdd("x"), builder.GetOrAdd("y"), builder.GetOrAdd("x".AsSpan()), builder.GetOrAdd("z")];

        Assert.Equal([0, 1, 0, 2], indices);
        Assert.Equal(3, builder.Count);
        Assert.Equal(["x", "y", "z"], builder.Build().Ids);
    }

    [Fact]
    public void Builder_TryGetIndex_finds_added_ids_without_adding_new_ones()
    {
        var builder = new IdMap.Builder();
        builder.GetOrAdd("a");

        Assert.True(builder.TryGetIndex("a", out int known));
        Assert.False(builder.TryGetIndex("b", out int unknown));
        Assert.Equal((0, -1), (known, unknown));
        Assert.Equal(1, builder.Count);
    }

    [Fact]
    public void Builder_Build_takes_a_snapshot_that_later_ids_do_not_change()
    {
        var builder = new IdMap.Builder();
        builder.GetOrAdd("a");
        IdMap snapshot = builder.Build();

        builder.GetOrAdd("b");

        Assert.Equal(1, snapshot.Count);
        Assert.False(snapshot.TryGetIndex("b", out _));
        Assert.Equal(2, builder.Build().Count);
    }
}
