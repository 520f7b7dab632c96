#ifndef OSILAB_CPCAP_SHIM_H
#define OSILAB_CPCAP_SHIM_H
#include <pcap/pcap.h>
#endif
