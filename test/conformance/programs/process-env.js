// process.env is rebuilt on every read; assigning process.env itself keeps a copy.
print(process.env === process.env);
process.env.BOARD = "MY_BOARD";
print(process.env.BOARD === "MY_BOARD");
process.env = process.env;
process.env.BOARD = "MY_BOARD";
print(process.env.BOARD);
print(process.env === process.env);
