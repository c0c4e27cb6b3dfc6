package dbg
import ("os";"net/url";"testing";"fmt";"missionsearch/crawler/extract")
func TestX(t *testing.T){
 f,_:=os.Open(os.Getenv("F")); u,_:=url.Parse("http://127.0.0.1/x.html")
 r,err:=extract.Extract(f,u,"text/html",extract.Options{})
 if err!=nil{t.Fatal(err)}
 fmt.Println(len(r.Page.Body), len(r.Blocks))
 for i,b:=range r.Blocks{ if i<8 {fmt.Printf("%q\n",b[:min(len(b),100)])}}
}
