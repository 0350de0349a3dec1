using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Personalize.Storefront.Tests.TestSupport;

namespace Personalize.Storefront.Tests;

/// <summary>Bad storefront settings stop start-up with one message listing every one of them.</summary>
public sealed class SettingsTests
{
    [Fact]
    public void Settings_out_of_range_stop_start_up_and_are_all_named()
    {
        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(() =>
            Build(new() { ["Storefront:RateLimit"] = "0", ["Storefront:MaxPageSize"] = "5000", ["Storefront:MaxUsers"] = "0" }));

        Assert.Equal(3, exception.Failures.Count());
        Assert.Contains(exception.Failures, f => f.StartsWith("Storefront:MaxUsers: ", StringComparison.Ordinal) && f.Contains("between 1 and", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.StartsWith("Storefront:RateLimit: ", StringComparison.Ordinal) && f.Contains("between 1 and", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.StartsWith("Storefront:MaxPageSize: ", StringComparison.Ordinal) && f.Contains("between 1 and 1000", StringComparison.Ordinal));
    }

    [Fact]
    public void Settings_that_are_not_of_their_kind_stop_start_up_and_are_all_named_with_what_they_take()
    {
        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(() => Build(new()
        {
            ["Storefront:JournalFlush"] = "Bogus",
            ["Storefront:RateLimit"] = "ten",
            ["Storefront:ReloadDelay"] = "5s",
            ["Storefront:WatchModel"] = "yes",
        }));

        Assert.Equal(
            [
                "Storefront:JournalFlush: 'Bogus' is not one of EveryRecord, GroupCommit.",
                "Storefront:RateLimit: 'ten' is not a whole number.",
                "Storefront:ReloadDelay: '5s' is not a duration, such as 00:00:01 for a second (hh:mm:ss, or d.hh:mm:ss).",
                "Storefront:WatchModel: 'yes' is not true or false.",
            ],
            exception.Failures.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("7")]                         // a number the enum converter would take, which no policy has
    [InlineData("EveryRecord, GroupCommit")]  // a list of flags the converter would combine
    public void An_enum_setting_is_read_by_name_only(string value)
    {
        OptionsValidationException exception = Assert.Throws<OptionsValidationException>(() => Build(new() { ["Storefront:JournalFlush"] = value }));

        Assert.Equal($"Storefront:JournalFlush: '{value}' is not one of EveryRecord, GroupCommit.", Assert.Single(exception.Failures));
    }

    [Fact]
    public void An_enum_setting_in_another_case_is_read()
    {
        Assert.Null(Record.Exception(() => Build(new() { ["Storefront:JournalFlush"] = "groupcommit" })));
    }

    [Fact]
    public async Task A_start_up_problem_ends_the_program_with_exit_code_2_and_one_error_message_listing_every_bad_setting()
    {
        using var state = new TempDirectory();
        var error = new StringWriter();

        int exitCode = await StorefrontApp.RunAsync(
            ["--Storefront:Data=" + ShopModels.Data, "--Storefront:StateDirectory=" + state.Path, "--Storefront:JournalFlush=Bogus", "--Storefront:RateLimit=0"],
            error);

        Assert.Equal(2, exitCode);
        Assert.Equal(
            "error: the settings are not valid:" + Environment.NewLine + "  Storefront:JournalFlush: 'Bogus' is not one of EveryRecord, GroupCommit." + Environment.NewLine,
            error.ToString());   // the conversion is found first; the range of RateLimit is checked once every value reads
    }

    [Fact]
    public async Task A_model_file_that_does_not_exist_ends_the_program_with_exit_code_2_before_anything_is_read_or_trained()
    {
        using var state = new TempDirectory();
        string missing = state.File("no-such.pzm");
        var error = new StringWriter();

        int exitCode = await StorefrontApp.RunAsync(
            ["--Storefront:Data=" + ShopModels.Data, "--Storefront:StateDirectory=" + state.Path, "--Storefront:Model=" + missing], error);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"error: Storefront:Model is '{missing}', which does not exist", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(state.Path));   // no journal, no trained model, no preference database
    }

    [Fact]
    public void A_data_folder_without_the_shop_stops_start_up_naming_the_missing_file()
    {
        using var empty = new TempDirectory();
        FileNotFoundException exception = Assert.Throws<FileNotFoundException>(() => Build(new() { ["Storefront:Data"] = empty.Path }));

        Assert.Contains("has no items.csv", exception.Message);
    }

    [Fact]
    public async Task A_second_storefront_on_a_state_folder_in_use_stops_before_it_trains_and_leaves_the_served_model_alone()
    {
        using var first = new StorefrontFactory();
        using HttpClient client = first.CreateClient();
        Assert.True((await client.GetAsync("/api/model")).IsSuccessStatusCode);   // the first holds the journal
        string state = Path.GetDirectoryName(first.ModelPath)!;
        string trained = Path.Combine(state, "shop.pzm");
        byte[] before = File.ReadAllBytes(trained);

        // No model given: the second would train one into the same folder, and the first (watching its file) swap it in.
        InvalidOperationException exception = Assert.ThrowsAny<InvalidOperationException>(() =>
            Build(new() { ["Storefront:StateDirectory"] = state, ["Storefront:Model"] = "", ["Storefront:Factors"] = "8" }));

        Assert.Contains("is in use by another storefront (or another tracker), so this one would not start; nothing was trained or written", exception.Message);
        Assert.Equal(before, File.ReadAllBytes(trained));
    }

    /// <summary>Builds the storefront as Program does (<see cref="StorefrontApp.Build"/>, where the settings are read and the shop loaded),
    /// with the test factory's settings and these over them. (The test factory cannot show a start-up failure: Program turns it into
    /// exit code 2, so the factory only sees an entry point that never built its host.)</summary>
    private static void Build(Dictionary<string, string> settings)
    {
        using var state = new TempDirectory();
        string model = state.File("shop.pzm");
        File.Copy(ShopModels.First, model);
        var all = new Dictionary<string, string>
        {
            ["Storefront:Data"] = ShopModels.Data,
            ["Storefront:Model"] = model,
            ["Storefront:StateDirectory"] = state.Path,
            ["Storefront:WatchModel"] = "false",
        };
        foreach ((string key, string value) in settings)
        {
            all[key] = value;
        }

        using WebApplication app = StorefrontApp.Build([.. all.Select(p => $"--{p.Key}={p.Value}")]);
    }
}
