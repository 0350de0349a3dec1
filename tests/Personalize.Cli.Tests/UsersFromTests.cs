using System.Text.Json;

namespace Personalize.Cli.Tests;

/// <summary><c>recommend --users-from</c>: a CSV with a user column, or one id per line.</summary>
public sealed class UsersFromTests
{
    private static string TrainedModel(CliRunner cli)
    {
        string model = cli.PathOf("model.pzm");
        var (code, _, error) = cli.Run("train", "--input", cli.SmallLog(), "--out", model, "--factors", "4", "--epochs", "3");
        Assert.True(code == 0, error);
        return model;
    }

    private static string[] UsersOf(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(e => e.GetProperty("user_id").GetString()!)];
    }

    [Theory]
    [InlineData("user_id,note\nu1,\"abc\nu2,x\nu3,y\n", false)]
    [InlineData("u1,\"abc\nu2,x\nu3,y\n", true)]
    public void An_unclosed_quote_is_an_error_on_its_line_instead_of_swallowing_the_users_after_it(string content, bool noHeader)
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("users.csv", content);

        var (code, output, error) = cli.Run(["recommend", "--model", model, "--users-from", users, "--format", "csv", .. noHeader ? new[] { "--no-header" } : []]);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"error: {users}:{(noHeader ? 1 : 2)}: the line opens a quoted field that is not closed on it (expected a closing quote; quoted fields cannot span lines).",
            error.Trim());
    }

    [Fact]
    public void A_csv_with_a_user_id_column_is_read_by_that_column_deduplicated_in_order_of_first_appearance()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("users.csv", "item_id,user_id,event_type\ni1,u7,view\ni2,u3,view\ni9,u7,cart\n\ni4,\"u12\",purchase\ni5,u3,view\n");

        var (code, output, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--top", "2", "--format", "json");

        Assert.True(code == 0, error);
        Assert.Equal(["u7", "u3", "u12"], UsersOf(output));
    }

    [Fact]
    public void User_col_names_the_column_and_other_separators_are_recognised()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("users.tsv", "customer\tnote\nu5\tfirst\nu1\tsecond\nu5\tagain\n");

        var (code, output, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--user-col", "customer", "--top", "2", "--format", "json");

        Assert.True(code == 0, error);
        Assert.Equal(["u5", "u1"], UsersOf(output));
    }

    [Fact]
    public void A_plain_file_of_one_id_per_line_keeps_working()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("users.txt", "u2\n\nu9\nu2\nnobody\n");

        var (code, output, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--top", "2", "--format", "json");

        Assert.True(code == 0, error);
        Assert.Equal(["u2", "u9", "nobody"], UsersOf(output));
    }

    [Theory]
    [InlineData("u7::i1::4::991804768\nu3::i2::3::991804769\nu7::i9::5::991804770\n", true, null)]
    [InlineData("u7::i1::4::991804768\nu3::i2::3::991804769\nu7::i9::5::991804770\n", true, "1")]
    [InlineData("user_id::item_id\nu7::i1\nu3::i2\nu7::i9\n", false, null)]
    [InlineData("UserID::MovieID\nu7::i1\nu3::i2\nu7::i9\n", false, "userid")]
    public void A_movielens_file_separated_by_double_colons_is_read_by_its_user_field(string content, bool noHeader, string? userColumn)
    {
        // Each whole line was one user id ('u7::i1::4::991804768'): every user got the popular list, with exit code 0.
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("test.dat", content);

        var (code, output, error) = cli.Run(["recommend", "--model", model, "--users-from", users, "--top", "2", "--format", "json",
            .. noHeader ? new[] { "--no-header" } : [], .. userColumn is null ? [] : new[] { "--user-col", userColumn }]);

        Assert.True(code == 0, error);
        Assert.Equal(["u7", "u3"], UsersOf(output));
        Assert.DoesNotContain("warning", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Ids_that_hold_double_colons_and_are_users_of_the_model_are_read_whole(bool noHeader)
    {
        using var cli = new CliRunner();
        string model = cli.TrainTiny("user_id,item_id\nacme::u1,i1\nacme::u1,i2\nacme::u2,i2\nacme::u2,i3\nacme::u3,i1\nacme::u3,i3\n");
        string users = cli.Write("users.txt", "acme::u2\nacme::u1\n");

        var (code, output, error) = cli.Run(["recommend", "--model", model, "--users-from", users, "--top", "1", "--format", "json", .. noHeader ? new[] { "--no-header" } : []]);

        Assert.True(code == 0, error);
        Assert.Equal(["acme::u2", "acme::u1"], UsersOf(output));
        Assert.Contains("0 unknown to the model", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_movielens_file_without_header_or_no_header_is_an_error_and_not_one_id_per_line()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("test.dat", "u7::i1::4::991804768\nu3::i2::3::991804769\n");

        var (code, output, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--format", "csv");

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("the first line 'u7::i1::4::991804768' looks like a CSV header without a 'user_id' column", error, StringComparison.Ordinal);
        Assert.Contains("add --no-header if the file has no header line", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_double_colon_line_without_the_user_field_is_an_error_naming_the_line()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("test.dat", "u7::i1\nu3\n");

        var (code, _, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--no-header", "--user-col", "2", "--format", "csv");

        Assert.Equal(2, code);
        Assert.Equal($"error: {users}:2:2: the line has 1 field(s) separated by '::'; expected a user id in field 2 (--user-col).", error.Trim());
    }

    [Fact]
    public void A_file_whose_users_are_all_unknown_to_the_model_is_warned_of_with_what_to_check()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string wrongColumn = cli.Write("held.csv", "item_id,customer\ni1,u7\ni2,u3\n");
        string someKnown = cli.Write("some.txt", "u7\nnobody\n");

        var (code, output, error) = cli.Run("recommend", "--model", model, "--users-from", wrongColumn, "--no-header", "--top", "2", "--format", "json");
        var (someCode, _, someError) = cli.Run("recommend", "--model", model, "--users-from", someKnown, "--top", "2", "--format", "json");

        Assert.True(code == 0, error);
        Assert.Equal(["item_id", "i1", "i2"], UsersOf(output));   // the item column, read as users
        Assert.Contains($"warning: none of the 3 users of {wrongColumn} is in the model (the first read as 'item_id'), so every list is the fallback.",
            Flat(error), StringComparison.Ordinal);
        Assert.True(someCode == 0, someError);
        Assert.DoesNotContain("warning", someError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_whose_users_the_model_has_only_with_a_trailing_decimal_zero_names_the_id_it_has()
    {
        using var cli = new CliRunner();
        string model = cli.TrainTiny("user_id,item_id\n17199,i1\n17199,i2\n13085,i2\n13085,i3\n12000,i1\n12000,i3\n");
        string users = cli.Write("users.txt", "17199.0\n13085.0\n");

        var (code, _, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--top", "2", "--format", "json");

        Assert.True(code == 0, error);
        Assert.Contains($"warning: none of the 2 users of {users} is in the model (the first read as '17199.0'), so every list is the fallback. The model has '17199': "
            + "the ids differ by a trailing '.0' (write them alike in both files).", Flat(error), StringComparison.Ordinal);
    }

    private static string Flat(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void A_csv_row_without_a_user_id_is_an_error_naming_the_line_and_column()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("users.csv", "item_id,user_id\ni1,u1\ni2,\n");

        var (code, output, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--format", "json");

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"error: {users}:3:2: the user_id field is empty or missing; expected a user id.", error.Trim());
    }

    [Fact]
    public void User_col_that_the_header_does_not_have_is_an_error()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("users.csv", "item_id,user_id\ni1,u1\n");

        var (code, _, error) = cli.Run("recommend", "--model", model, "--users-from", users, "--user-col", "customer");

        Assert.Equal(2, code);
        Assert.StartsWith($"error: {users}:1: the header has no column 'customer'", error.Trim());
    }

    [Fact]
    public void A_csv_header_without_the_user_column_is_an_error_and_not_a_user_id()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("customers.csv", "customer,segment\nu1,a\nu2,b\n");

        var (code, output, error) = cli.Run("recommend", "--model", model, "--users-from", users);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"error: {users}:1: the first line 'customer,segment' looks like a CSV header without a 'user_id' column; name the column of user ids with --user-col, add --no-header if the file has no header line, or give one id per line.",
            error.Trim());
        Assert.Equal(0, cli.Run("recommend", "--model", model, "--users-from", users, "--user-col", "customer").ExitCode);
    }

    [Fact]
    public void No_header_reads_a_held_out_log_without_a_header_by_position_so_its_first_row_is_a_user_too()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        // A held-out log as MovieLens ships it: user, item, rating, time, tab-separated, no header.
        string users = cli.Write("u1.test", "u4\ti1\t3\t881250949\nu8\ti2\t5\t881250950\n\nu4\ti9\t1\t881250951\nu0\ti3\t4\t881250952\n");
        string second = cli.Write("pairs.csv", "i1,u6\ni2,u2\ni3,u6\n");

        var first = cli.Run("recommend", "--model", model, "--users-from", users, "--no-header", "--top", "2", "--format", "json");
        var byPosition = cli.Run("recommend", "--model", model, "--users-from", second, "--no-header", "--user-col", "2", "--top", "2", "--format", "json");
        var withoutFlag = cli.Run("recommend", "--model", model, "--users-from", users);

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Equal(["u4", "u8", "u0"], UsersOf(first.Output));
        Assert.True(byPosition.ExitCode == 0, byPosition.Error);
        Assert.Equal(["u6", "u2"], UsersOf(byPosition.Output));
        Assert.Equal(2, withoutFlag.ExitCode);
        Assert.Contains("add --no-header if the file has no header line", withoutFlag.Error);
    }

    [Fact]
    public void No_header_refuses_a_column_name_and_a_short_line_and_goes_only_with_users_from()
    {
        using var cli = new CliRunner();
        string model = TrainedModel(cli);
        string users = cli.Write("u.test", "u1,i1\nu2\n");

        var named = cli.Run("recommend", "--model", model, "--users-from", users, "--no-header", "--user-col", "user_id");
        var beyond = cli.Run("recommend", "--model", model, "--users-from", users, "--no-header", "--user-col", "2");
        var alone = cli.Run("recommend", "--model", model, "--user", "u1", "--no-header");

        Assert.Equal(2, named.ExitCode);
        Assert.Contains("--user-col 'user_id' is not a column position", named.Error);
        Assert.Equal(2, beyond.ExitCode);
        Assert.Equal($"error: {users}:2:2: the line has 1 field(s); expected a user id in field 2 (--user-col).", beyond.Error.Trim());
        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("--no-header needs --users-from", alone.Error);
    }

    [Fact]
    public void User_col_without_users_from_is_refused()
    {
        using var cli = new CliRunner();

        var (code, _, error) = cli.Run("recommend", "--model", cli.PathOf("m.pzm"), "--user", "u1", "--user-col", "customer");

        Assert.Equal(2, code);
        Assert.Contains("--user-col needs --users-from", error);
    }
}
