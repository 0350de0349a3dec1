namespace Personalize.Core.Tests.TestSupport;

/// <summary>The allocation probe used by the hot paths' tests still sees a call that allocates in every window.</summary>
public sealed class SteadyStateTests
{
    [Fact]
    public void A_window_that_allocates_every_time_is_reported_after_every_attempt()
    {
        object? kept = null;

        long allocated = SteadyState.FewestBytesAllocated(() => kept = new byte[1000], out int runs);

        Assert.True(allocated >= 1000, $"{allocated} bytes");
        Assert.Equal(3, runs);
        Assert.NotNull(kept);
    }

    [Fact]
    public void A_window_that_allocates_nothing_is_run_once()
    {
        int calls = 0;
        Action window = () => calls++;
        window();   // its first call, outside the measurement

        long allocated = SteadyState.FewestBytesAllocated(window, out int runs);

        Assert.Equal(0, allocated);
        Assert.Equal(1, runs);
        Assert.Equal(2, calls);
    }
}
