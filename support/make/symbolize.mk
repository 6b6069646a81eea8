# make symbolize LOG=file: name the functions behind the addresses in a captured console log.
