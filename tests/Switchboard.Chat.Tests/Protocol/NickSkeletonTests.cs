namespace Switchboard.Chat.Tests.Protocol;

/// <summary>Confusable skeletons (UTS #39 subset): nicks that look alike have one skeleton, others do not.</summary>
public sealed class NickSkeletonTests
{
    [Theory]
    [InlineData("alice", "aIice")] // capital i for l: the case
    [InlineData("alice", "ALICE")] // case, as before
    [InlineData("alice", "a1ice")]
    [InlineData("mallory", "rnallory")] // rn for m: the case
    [InlineData("bob", "b0b")]
    [InlineData("Bob", "BOB")]
    [InlineData("wendy", "vvendy")]
    [InlineData("dave", "clave")]
    [InlineData("alice", "\u0430lice")] // Cyrillic а
    [InlineData("peter", "\u0440\u0435ter")] // Cyrillic р, е
    [InlineData("oscar", "\u041Es\u0441ar")] // Cyrillic О, с
    [InlineData("xena", "\u0445ena")] // Cyrillic х
    [InlineData("alpha", "\u03B1lpha")] // Greek α
    [InlineData("kappa", "\u039A\u0391ppa")] // Greek Κ, Α
    [InlineData("alice", "\uFF41lice")] // fullwidth a
    public void Nicks_that_look_alike_have_one_skeleton(string nick, string lookalike)
    {
        Assert.Equal(NickSkeleton.Of(nick), NickSkeleton.Of(lookalike));
        Assert.True(NickSkeleton.Comparer.Equals(nick, lookalike));
        Assert.Equal(NickSkeleton.Comparer.GetHashCode(nick), NickSkeleton.Comparer.GetHashCode(lookalike));
    }

    [Theory]
    [InlineData("alice", "bob")]
    [InlineData("alice", "alicia")]
    [InlineData("mallory", "malory")]
    [InlineData("guest1", "guest2")]
    [InlineData("sam", "pam")]
    [InlineData("carl", "earl")]
    public void Nicks_that_do_not_look_alike_stay_apart(string nick, string other)
    {
        Assert.NotEqual(NickSkeleton.Of(nick), NickSkeleton.Of(other));
        Assert.False(NickSkeleton.Comparer.Equals(nick, other));
    }
}
