import M2GRLCLI

M2GRLCommand.main()
