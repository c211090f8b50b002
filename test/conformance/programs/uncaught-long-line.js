// A long line is cut to 60 characters, with "..." where it was cut.
var s = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"; var t = s.q.r;
